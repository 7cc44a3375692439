import app.db.session
