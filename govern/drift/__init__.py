"""`govern drift`: the history of every decision, commit by commit (an adapter at the edge:
it reads git and notes, calls the judge, and renders; govern.verdict knows nothing of it)."""
