/*
 * Throughput of loyalty_apply through the C API on the café workload.
 *
 * Usage: bench_apply PROGRAM [EVENTS [DUMP_FILE]]
 *
 * The workload: EVENTS (default 4096) purchases of one member, one visit a
 * day at a random time between 06:00 and 21:00, each a random basket of 1-5
 * lines (coffee, tea, pastry, sandwich, merch; unit price 1.50-12.00;
 * quantity 1-3), from SplitMix64 seeded with 42. Two figures:
 *   fresh:   every purchase applied to the same just-enrolled account (the
 *            cost of one call, the account stays small);
 *   chained: the account of each answer is kept and passed to the next call,
 *            as a till does (the account carries its history: 30 days of
 *            purchases for returns, point lots, vouchers, recent event ids);
 *   kept:    the same events on the account kept in the library
 *            (loyalty_account_new() once, loyalty_account_apply() per event,
 *            loyalty_account_json() at the end): the history stays in
 *            memory instead of crossing the boundary as JSON twice a call.
 * Each figure is the best of three runs.
 * With DUMP_FILE the events are also written there, one per line, so
 * `cargo run --release -p loyalty-ffi --example bench_rust_json` can time the
 * same events through the Rust JSON interface.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loyalty.h"

#define ROUNDS 3

static uint64_t state = 42;

static uint64_t next_u64(void)
{
    uint64_t z;
    state += 0x9E3779B97F4A7C15ull;
    z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t range(uint64_t lo, uint64_t hi)
{
    return lo + next_u64() % (hi - lo + 1);
}

/* Year, month, day of a count of days since 1970-01-01 (proleptic Gregorian). */
static void civil(long days, int *y, int *m, int *d)
{
    long z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static char *purchase(int i)
{
    static const char *categories[] = {"coffee", "tea", "pastry", "sandwich", "merch"};
    char *event = (char *)malloc(2048);
    int y, m, d, n, len;
    long lines = (long)range(1, 5), minute = (long)range(0, 15 * 60), k;
    if (event == NULL) {
        return NULL;
    }
    civil(20458 + i, &y, &m, &d); /* 2026-01-05 */
    len = snprintf(event, 2048,
                   "{\"type\": \"purchase\", \"id\": \"p%d\", \"time\": \"%04d-%02d-%02dT%02ld:%02ld:00-05:00\","
                   " \"lines\": [",
                   i, y, m, d, 6 + minute / 60, minute % 60);
    for (k = 0; k < lines; k++) {
        const char *category = categories[range(0, 4)];
        uint64_t cents = range(150, 1200), quantity = range(1, 3);
        n = snprintf(event + len, (size_t)(2048 - len),
                     "%s{\"sku\": \"%s-%d\", \"category\": \"%s\", \"quantity\": %d, \"unit_price\": \"%d.%02d\"}",
                     k == 0 ? "" : ", ", category, (int)(cents % 7), category, (int)quantity,
                     (int)(cents / 100), (int)(cents % 100));
        len += n;
    }
    snprintf(event + len, (size_t)(2048 - len), "]}");
    return event;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long size;
    if (f == NULL) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = (char *)malloc((size_t)size + 1);
        if (buf != NULL && fread(buf, 1, (size_t)size, f) == (size_t)size) {
            buf[size] = '\0';
            *len = (size_t)size;
        } else {
            free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    static const char enrol[] = "{\"type\": \"enrol\", \"id\": \"enrol-bench\", \"member\": \"bench\","
                                " \"time\": \"2026-01-01T08:00:00-05:00\"}";
    int n = argc > 2 ? atoi(argv[2]) : 4096, i, round, errors = 0;
    char **events, *program, *enrolled = NULL, *account = NULL;
    size_t program_len = 0, account_len = 0, enrolled_len;
    LoyaltyEngine *engine = NULL;
    LoyaltyResult *r = NULL;
    double start, fresh, chained, kept;
    size_t kept_len = 0;
    FILE *dump = NULL;

    if (argc < 2 || n <= 0 || (program = read_file(argv[1], &program_len)) == NULL) {
        fprintf(stderr, "usage: %s PROGRAM [EVENTS [DUMP_FILE]]\n", argv[0]);
        return 2;
    }
    if (loyalty_engine_new((const uint8_t *)program, program_len, &engine, NULL) != LOYALTY_OK) {
        fprintf(stderr, "invalid program\n");
        return 1;
    }
    free(program);
    events = (char **)calloc((size_t)n, sizeof *events);
    if (argc > 3) {
        dump = fopen(argv[3], "w");
    }
    for (i = 0; events != NULL && i < n; i++) {
        events[i] = purchase(i);
        if (dump != NULL && events[i] != NULL) {
            fprintf(dump, "%s\n", events[i]);
        }
    }
    if (dump != NULL) {
        fclose(dump);
    }
    if (events == NULL ||
        loyalty_apply(engine, (const uint8_t *)"null", 4, (const uint8_t *)enrol, sizeof enrol - 1, &r) != LOYALTY_OK) {
        fprintf(stderr, "cannot enrol\n");
        return 1;
    }
    enrolled = (char *)malloc(r->account_len + 1);
    if (enrolled == NULL) {
        return 1;
    }
    memcpy(enrolled, r->account, r->account_len + 1);
    enrolled_len = r->account_len;
    loyalty_result_free(r);

    /* Each figure is the best of ROUNDS runs: the machine may be shared. */
    fresh = chained = kept = 1e30;
    for (round = 0; round < ROUNDS; round++) {
        double took;
        /* fresh: every purchase on the just-enrolled account */
        start = now();
        for (i = 0; i < n; i++) {
            if (loyalty_apply(engine, (const uint8_t *)enrolled, enrolled_len, (const uint8_t *)events[i],
                              strlen(events[i]), &r) != LOYALTY_OK) {
                errors++;
            }
            loyalty_result_free(r);
        }
        took = now() - start;
        fresh = took < fresh ? took : fresh;

        /* chained: the account goes from answer to answer */
        free(account);
        account = (char *)malloc(enrolled_len + 1);
        if (account == NULL) {
            return 1;
        }
        memcpy(account, enrolled, enrolled_len + 1);
        account_len = enrolled_len;
        start = now();
        for (i = 0; i < n; i++) {
            if (loyalty_apply(engine, (const uint8_t *)account, account_len, (const uint8_t *)events[i],
                              strlen(events[i]), &r) == LOYALTY_OK) {
                char *next = (char *)malloc(r->account_len + 1);
                if (next != NULL) {
                    memcpy(next, r->account, r->account_len + 1);
                    free(account);
                    account = next;
                    account_len = r->account_len;
                }
            } else {
                errors++;
            }
            loyalty_result_free(r);
        }
        took = now() - start;
        chained = took < chained ? took : chained;

        /* kept: the same history, the account kept in the library */
        {
            LoyaltyAccount *member = NULL;
            start = now();
            if (loyalty_account_new((const uint8_t *)enrolled, enrolled_len, &member, NULL) != LOYALTY_OK) {
                return 1;
            }
            for (i = 0; i < n; i++) {
                if (loyalty_account_apply(engine, member, (const uint8_t *)events[i], strlen(events[i]), &r) !=
                    LOYALTY_OK) {
                    errors++;
                }
                loyalty_result_free(r);
            }
            if (loyalty_account_json(member, &r) != LOYALTY_OK) {
                errors++;
            } else {
                /* The same account as the chained run's. */
                errors += r->account_len != account_len || memcmp(r->account, account, account_len) != 0;
                kept_len = r->account_len;
            }
            loyalty_result_free(r);
            loyalty_account_free(member);
            took = now() - start;
            kept = took < kept ? took : kept;
        }
    }

    printf("C API  fresh   %6d events  %8.0f events/s\n", n, n / fresh);
    printf("C API  chained %6d events  %8.0f events/s  (final account %lu bytes)\n", n, n / chained,
           (unsigned long)account_len);
    printf("C API  kept    %6d events  %8.0f events/s  (final account %lu bytes)\n", n, n / kept,
           (unsigned long)kept_len);
    for (i = 0; i < n; i++) {
        free(events[i]);
    }
    free(events);
    free(enrolled);
    free(account);
    loyalty_engine_free(engine);
    if (errors != 0) {
        fprintf(stderr, "%d events failed\n", errors);
        return 1;
    }
    return 0;
}
