# mem: sources and tests of the mem module (included by Makefile.am).
