import app.core.config
