"""Views: figures and words drawn from what the analysis gives (timeline, network, style);
nothing is computed here but layout."""
