/* nbody: the n-body gravity simulation (a Sun and four planets, symplectic Euler steps,
 * our own code), double precision with sqrt and division in the inner loop: FP latency
 * bound, little memory traffic. The energy before and after is the checksum.
 * Usage: nbody [STEPS]   (default 3000000) */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.141592653589793
#define SOLAR_MASS (4 * PI * PI)
#define DAYS 365.24

typedef struct { double x, y, z, vx, vy, vz, m; } body;

static double energy(const body *b, int n)
{
	double e = 0;
	for (int i = 0; i < n; i++) {
		e += 0.5 * b[i].m * (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
		for (int j = i + 1; j < n; j++) {
			double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
			e -= b[i].m * b[j].m / sqrt(dx * dx + dy * dy + dz * dz);
		}
	}
	return e;
}

static void advance(body *b, int n, double dt)
{
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++) {
			double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
			double d2 = dx * dx + dy * dy + dz * dz;
			double mag = dt / (d2 * sqrt(d2));
			b[i].vx -= dx * b[j].m * mag; b[i].vy -= dy * b[j].m * mag; b[i].vz -= dz * b[j].m * mag;
			b[j].vx += dx * b[i].m * mag; b[j].vy += dy * b[i].m * mag; b[j].vz += dz * b[i].m * mag;
		}
	for (int i = 0; i < n; i++) {
		b[i].x += dt * b[i].vx; b[i].y += dt * b[i].vy; b[i].z += dt * b[i].vz;
	}
}

int main(int argc, char **argv)
{
	long steps = argc > 1 ? atol(argv[1]) : 3000000;
	/* orbital elements rounded from the usual published values */
	body b[5] = {
		{0, 0, 0, 0, 0, 0, SOLAR_MASS},
		{4.841, -1.160, -0.1036, 1.660e-3 * DAYS, 7.699e-3 * DAYS, -6.904e-5 * DAYS, 9.547e-4 * SOLAR_MASS},
		{8.343, 4.125, -0.4035, -2.767e-3 * DAYS, 4.998e-3 * DAYS, 2.304e-5 * DAYS, 2.858e-4 * SOLAR_MASS},
		{12.89, -15.11, -0.2233, 2.964e-3 * DAYS, 2.378e-3 * DAYS, -2.965e-5 * DAYS, 4.366e-5 * SOLAR_MASS},
		{15.38, -25.92, 0.1792, 2.680e-3 * DAYS, 1.628e-3 * DAYS, -9.515e-5 * DAYS, 5.151e-5 * SOLAR_MASS},
	};
	double px = 0, py = 0, pz = 0;
	for (int i = 0; i < 5; i++) {
		px += b[i].vx * b[i].m; py += b[i].vy * b[i].m; pz += b[i].vz * b[i].m;
	}
	b[0].vx = -px / SOLAR_MASS; b[0].vy = -py / SOLAR_MASS; b[0].vz = -pz / SOLAR_MASS;
	double e0 = energy(b, 5);
	for (long s = 0; s < steps; s++)
		advance(b, 5, 0.01);
	double e1 = energy(b, 5);
	uint64_t u0, u1;
	memcpy(&u0, &e0, 8);
	memcpy(&u1, &e1, 8);
	printf("nbody: %ld steps energy %.9f -> %.9f\n", steps, e0, e1);
	printf("checksum %016llx\n", (unsigned long long)(u0 ^ (u1 * 31)));
	return 0;
}
