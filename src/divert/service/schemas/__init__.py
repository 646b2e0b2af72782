"""Request and response bodies: <Thing>Create / Update / Public, one module per resource."""
