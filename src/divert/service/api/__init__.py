"""JSON routers, one per resource; every route declares its operation (deps.op)."""
