"""Generated from proto/sibyl/v1 by scripts/generate_proto.py. Do not edit."""
