def charge():
    return 1
