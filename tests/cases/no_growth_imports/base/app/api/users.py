import app.db.models
