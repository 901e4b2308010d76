"""The share service: FastAPI app, storage, tus uploads, pages and view events."""
