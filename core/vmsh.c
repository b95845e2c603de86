#include <stdio.h>
int main(void) { puts("vmsh"); return 0; }
