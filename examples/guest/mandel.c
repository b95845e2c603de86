/* A bundled guest program for the demo: an ASCII Mandelbrot set (double
 * precision FP, integer loops, printf from glibc). */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    int w = 72, h = 28, iters = argc > 1 ? atoi(argv[1]) : 2000;
    const char *shade = " .:-=+*#%@";
    unsigned long total = 0;
    for (int y = 0; y < h; y++) {
        char line[128];
        for (int x = 0; x < w; x++) {
            double cr = -2.2 + 3.0 * x / w, ci = -1.2 + 2.4 * y / h, zr = 0, zi = 0;
            int i = 0;
            while (i < iters && zr * zr + zi * zi < 4.0) {
                double t = zr * zr - zi * zi + cr;
                zi = 2 * zr * zi + ci;
                zr = t;
                i++;
            }
            total += (unsigned long)i;
            line[x] = i == iters ? '@' : shade[i % 9];
        }
        line[w] = 0;
        puts(line);
    }
    printf("iterations: %lu\n", total);
    return 0;
}
