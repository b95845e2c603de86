# isa: sources and tests of the isa module (included by Makefile.am).
