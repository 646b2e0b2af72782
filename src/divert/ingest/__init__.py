"""Files in: case files read into cases, with every refused row kept and located."""
