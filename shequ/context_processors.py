def navigation(request) -> dict:
    return {"access": getattr(request, "access", None)}
