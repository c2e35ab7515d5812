"""Running the pages: Voilà locked down (`serve`, `voila`, `voila_pages`) and the
JupyterHub spawner (`hub`). Imports nothing else of auditbook.
"""
