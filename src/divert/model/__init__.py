"""The ground floor: plain values every layer reads (catalog, policy, engines, ingest, cases)."""
