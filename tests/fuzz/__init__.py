"""Property-based fuzzing of every RPC against real servers (see test_rpc_fuzz.py)."""
