/*
 * jsoncheck FILE [KEY...]: exit 0 if FILE is one valid JSON value (RFC 8259)
 * and, for a Chrome trace, every object in "traceEvents" has the given keys.
 * A small recursive-descent checker, so that the tests need no python.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *s, *end;
    int depth;
    const char *err;
    int events, te_depth;
    char keys[16][32];
    int nkeys, have[16];
} P;

static void ws(P *p)
{
    while (p->s < p->end && (*p->s == ' ' || *p->s == '\n' || *p->s == '\r' || *p->s == '\t')) p->s++;
}

static int value(P *p);

static int string(P *p, char *out, size_t outsz)
{
    size_t k = 0;
    if (p->s >= p->end || *p->s != '"') return p->err = "expected string", -1;
    p->s++;
    while (p->s < p->end && *p->s != '"') {
        unsigned char c = (unsigned char)*p->s++;
        if (c < 0x20) return p->err = "control character in string", -1;
        if (c == '\\') {
            if (p->s >= p->end) return p->err = "bad escape", -1;
            char e = *p->s++;
            if (e == 'u') {
                for (int i = 0; i < 4; i++)
                    if (p->s >= p->end || !isxdigit((unsigned char)*p->s++)) return p->err = "bad \\u", -1;
            } else if (!strchr("\"\\/bfnrt", e)) {
                return p->err = "bad escape", -1;
            }
            c = '?';
        }
        if (out && k + 1 < outsz) out[k++] = (char)c;
    }
    if (p->s >= p->end) return p->err = "unterminated string", -1;
    p->s++;
    if (out) out[k] = 0;
    return 0;
}

static int number(P *p)
{
    const char *s = p->s;
    if (s < p->end && *s == '-') s++;
    if (s >= p->end || !isdigit((unsigned char)*s)) return p->err = "bad number", -1;
    if (*s == '0') s++;
    else while (s < p->end && isdigit((unsigned char)*s)) s++;
    if (s < p->end && *s == '.') {
        s++;
        if (s >= p->end || !isdigit((unsigned char)*s)) return p->err = "bad fraction", -1;
        while (s < p->end && isdigit((unsigned char)*s)) s++;
    }
    if (s < p->end && (*s == 'e' || *s == 'E')) {
        s++;
        if (s < p->end && (*s == '+' || *s == '-')) s++;
        if (s >= p->end || !isdigit((unsigned char)*s)) return p->err = "bad exponent", -1;
        while (s < p->end && isdigit((unsigned char)*s)) s++;
    }
    p->s = s;
    return 0;
}

static int object(P *p, int is_event)
{
    char key[64];
    p->s++;
    if (is_event) memset(p->have, 0, sizeof p->have);
    ws(p);
    if (p->s < p->end && *p->s == '}') {
        p->s++;
        goto done;
    }
    for (;;) {
        ws(p);
        if (string(p, key, sizeof key)) return -1;
        ws(p);
        if (p->s >= p->end || *p->s++ != ':') return p->err = "expected ':'", -1;
        if (is_event)
            for (int i = 0; i < p->nkeys; i++)
                if (!strcmp(key, p->keys[i])) p->have[i] = 1;
        int te = p->depth == 1 && !strcmp(key, "traceEvents");
        if (te) p->te_depth = p->depth + 1;
        if (value(p)) return -1;
        if (te) p->te_depth = 0;
        ws(p);
        if (p->s < p->end && *p->s == ',') {
            p->s++;
            continue;
        }
        if (p->s < p->end && *p->s == '}') {
            p->s++;
            break;
        }
        return p->err = "expected ',' or '}'", -1;
    }
done:
    if (is_event) {
        p->events++;
        for (int i = 0; i < p->nkeys; i++)
            if (!p->have[i]) {
                fprintf(stderr, "jsoncheck: trace event %d has no \"%s\"\n", p->events, p->keys[i]);
                return p->err = "missing key", -1;
            }
    }
    return 0;
}

static int value(P *p)
{
    ws(p);
    if (p->s >= p->end) return p->err = "unexpected end", -1;
    if (++p->depth > 200) return p->err = "too deep", -1;
    int rc = 0;
    int in_te = p->te_depth && p->depth == p->te_depth + 1;
    switch (*p->s) {
    case '{': rc = object(p, in_te); break;
    case '[':
        p->s++;
        ws(p);
        if (p->s < p->end && *p->s == ']') {
            p->s++;
            break;
        }
        for (;;) {
            if (value(p)) return -1;
            ws(p);
            if (p->s < p->end && *p->s == ',') {
                p->s++;
                continue;
            }
            if (p->s < p->end && *p->s == ']') {
                p->s++;
                break;
            }
            return p->err = "expected ',' or ']'", -1;
        }
        break;
    case '"': rc = string(p, NULL, 0); break;
    case 't': rc = (p->end - p->s >= 4 && !memcmp(p->s, "true", 4)) ? (p->s += 4, 0) : (p->err = "bad literal", -1); break;
    case 'f': rc = (p->end - p->s >= 5 && !memcmp(p->s, "false", 5)) ? (p->s += 5, 0) : (p->err = "bad literal", -1); break;
    case 'n': rc = (p->end - p->s >= 4 && !memcmp(p->s, "null", 4)) ? (p->s += 4, 0) : (p->err = "bad literal", -1); break;
    default: rc = number(p);
    }
    p->depth--;
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: jsoncheck FILE [KEY...]\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap);
    for (size_t k; buf && (k = fread(buf + n, 1, cap - n, f)) > 0;) {
        n += k;
        if (n == cap) buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    if (!buf) return 2;
    P p = {.s = buf, .end = buf + n};
    for (int i = 2; i < argc && p.nkeys < 16; i++) snprintf(p.keys[p.nkeys++], 32, "%s", argv[i]);
    int rc = value(&p);
    ws(&p);
    if (!rc && p.s != p.end) p.err = "trailing data", rc = -1;
    if (rc) {
        fprintf(stderr, "jsoncheck: %s: %s at offset %ld\n", argv[1], p.err, (long)(p.s - buf));
        free(buf);
        return 1;
    }
    printf("%d events\n", p.events);
    free(buf);
    return 0;
}
