/*
 * Differential driver: replays one event stream through the C library and
 * prints one envelope per event, for scripts/test-differential.sh to compare
 * byte for byte with the Rust and npm answers.
 *
 * Usage: differential PROGRAMS_DIR STREAM.jsonl > answers.out
 * The stream's first line names the program file; each further line is an
 * event. The account of each success is carried to the next event.
 *
 * Plain C99.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loyalty.h"

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    if (f == NULL) return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    buf = (char *)malloc((size_t)n + 1);
    if (buf != NULL && fread(buf, 1, (size_t)n, f) == (size_t)n) {
        buf[n] = '\0';
        *len = (size_t)n;
    } else {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    size_t stream_len = 0, program_len = 0, account_len = 4;
    char *stream, *line, *next, *program, *account, path[4096];
    LoyaltyEngine *engine = NULL;
    LoyaltyResult *error = NULL;

    if (argc != 3) {
        fprintf(stderr, "usage: differential PROGRAMS_DIR STREAM.jsonl\n");
        return 2;
    }
    stream = read_file(argv[2], &stream_len);
    if (stream == NULL) {
        fprintf(stderr, "cannot read %s\n", argv[2]);
        return 2;
    }
    next = strchr(stream, '\n');
    if (next == NULL) return 2;
    *next++ = '\0';
    snprintf(path, sizeof path, "%s/%s", argv[1], stream);
    program = read_file(path, &program_len);
    if (program == NULL) {
        fprintf(stderr, "cannot read %s\n", path);
        return 2;
    }
    if (loyalty_engine_new((const uint8_t *)program, program_len, &engine, &error) != LOYALTY_OK) {
        fprintf(stderr, "program refused: %s\n", error != NULL ? error->json : "?");
        return 1;
    }
    account = (char *)malloc(5);
    if (account == NULL) return 1;
    memcpy(account, "null", 5);
    for (line = next; line != NULL && *line != '\0'; line = next) {
        LoyaltyResult *r = NULL;
        size_t len;
        next = strchr(line, '\n');
        if (next != NULL) *next++ = '\0';
        len = strlen(line);
        (void)loyalty_apply(engine, (const uint8_t *)account, account_len, (const uint8_t *)line, len, &r);
        if (r == NULL) {
            fprintf(stderr, "no result\n");
            return 1;
        }
        fwrite(r->json, 1, r->json_len, stdout);
        fputc('\n', stdout);
        if (r->account != NULL) {
            char *copy = (char *)malloc(r->account_len + 1);
            if (copy == NULL) return 1;
            memcpy(copy, r->account, r->account_len);
            copy[r->account_len] = '\0';
            free(account);
            account = copy;
            account_len = r->account_len;
        }
        loyalty_result_free(r);
    }
    free(account);
    free(program);
    free(stream);
    loyalty_engine_free(engine);
    return 0;
}
