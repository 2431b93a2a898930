# Each participant's single-user server under JupyterHub (docs/deploy.md): Voilà only,
# with the safe defaults of `workbench serve` (workbench/serve/, SECURITY.md).
# docs/jupyterhub/Dockerfile copies it to /etc/jupyter/ in the participants' image.
c = get_config()  # noqa: F821 (provided by Jupyter when it loads this file)

# no JupyterLab, no notebook editor: the landing page is the dashboard
c.ServerApp.jpserver_extensions = {"jupyterlab": False, "notebook": False, "voila": True}

# Voilà shows the dashboards only: no file beside them, no sources, no tracebacks
c.VoilaConfiguration.file_allowlist = []
c.VoilaConfiguration.file_denylist = [".*"]
c.VoilaConfiguration.extension_denylist = ["jupyterlab-plotly"]
c.VoilaConfiguration.strip_sources = True
c.VoilaConfiguration.show_tracebacks = False
c.VoilaConfiguration.show_margins = False

# a closed page's kernel is stopped after ten idle minutes (about 170 MB each)
c.MappingKernelManager.cull_interval = 60
c.MappingKernelManager.cull_idle_timeout = 600

# no referrer (the hub's URLs carry no token, but keep the same headers), no framing
c.ServerApp.tornado_settings = {"headers": {"Referrer-Policy": "no-referrer",
                                            "X-Frame-Options": "DENY",
                                            "X-Content-Type-Options": "nosniff"}}
