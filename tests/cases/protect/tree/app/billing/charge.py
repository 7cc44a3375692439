def charge():
    return 2
