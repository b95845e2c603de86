# gc: sources and tests of the gc module (included by Makefile.am).
