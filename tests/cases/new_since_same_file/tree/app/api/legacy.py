from app.db import session
from app.db import models
