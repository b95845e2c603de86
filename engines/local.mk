# engines: sources and tests of the engines module (included by Makefile.am).
