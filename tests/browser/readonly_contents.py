"""A contents manager that serves the notebooks but refuses to save them.

The browser test runs the committed notebooks in a real Notebook front end. Classic Notebook autosaves
every two minutes, which would write outputs into the committed files; the test turns autosave off in
the page, and this refusal on the server side is the second guard.
"""

from notebook.services.contents.filemanager import FileContentsManager
from tornado import web


class ReadOnlyContentsManager(FileContentsManager):
    def save(self, model, path=""):
        raise web.HTTPError(403, f"losslab browser test: {path} is read-only while the test runs")
