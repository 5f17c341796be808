/*
 * pos.c: a small till on the loyalty C library.
 *
 * It loads the café program, enrols a member, quotes a basket, reserves a
 * free-coffee reward, takes payment, commits the reservation and prints the
 * receipt and the balance; the first payment is declined, which shows the
 * release path. Then it keeps the member's account in the library for two
 * more orders of the same session and stores it once at the end.
 *
 * Build (see loyalty-ffi/README.md):
 *   cc -std=c99 -Wall -Wextra -Werror -pedantic examples/c/pos.c \
 *      $(pkg-config --cflags --libs loyalty) -o pos
 *   ./pos examples/programs/cafe.json
 *
 * It is valid C99 and C++11. A real till would use its own JSON library to
 * read the outcomes; this one cuts the few numbers it prints out of the
 * text with strstr().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loyalty.h"

/* The member's account, as the till stores it between events. */
typedef struct Member {
    char *account;
    size_t account_len;
} Member;

static const LoyaltyEngine *engine;

/* Print the error of a failed call. */
static void report(const char *what, const LoyaltyResult *r)
{
    fprintf(stderr, "%s: %s (%s at `%.*s`): %.*s\n", what, loyalty_status_name((int)r->status),
            r->error_code, (int)r->error_path_len, r->error_path, (int)r->error_message_len,
            r->error_message);
}

/* Keep the new account of a successful apply. */
static int keep_account(Member *m, const LoyaltyResult *r)
{
    char *copy = (char *)malloc(r->account_len + 1);
    if (copy == NULL) {
        return 0;
    }
    memcpy(copy, r->account, r->account_len + 1);
    free(m->account);
    m->account = copy;
    m->account_len = r->account_len;
    return 1;
}

/*
 * Apply an event with one of the apply-like calls. On success the member's
 * account is replaced and the result is returned (free it); on failure the
 * error is printed, the account is left as it was and NULL is returned.
 */
typedef LoyaltyStatus (*ApplyFn)(const LoyaltyEngine *, const uint8_t *, size_t, const uint8_t *,
                                 size_t, LoyaltyResult **);

static LoyaltyResult *step(ApplyFn fn, const char *what, Member *m, const char *event)
{
    LoyaltyResult *r = NULL;
    LoyaltyStatus s = fn(engine, (const uint8_t *)m->account, m->account_len,
                         (const uint8_t *)event, strlen(event), &r);
    if ((s != LOYALTY_OK && s != LOYALTY_DUPLICATE) || !keep_account(m, r)) {
        report(what, r);
        loyalty_result_free(r);
        return NULL;
    }
    return r;
}

/* The text after `"key":` in json, or NULL. */
static const char *after(const char *json, const char *key)
{
    char pattern[64];
    const char *at;
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    at = strstr(json, pattern);
    return at == NULL ? NULL : at + strlen(pattern);
}

/* An integer member of json (the first one named key), or 0. */
static long number(const char *json, const char *key)
{
    const char *at = after(json, key);
    return at == NULL ? 0 : strtol(at, NULL, 10);
}

/* A decimal string member of json (`"key":"1.50"`) copied into out. */
static void decimal(const char *json, const char *key, char *out, size_t size)
{
    const char *at = after(json, key);
    size_t n = 0;
    if (at != NULL && *at == '"') {
        at++;
        while (at[n] != '\0' && at[n] != '"' && n + 1 < size) {
            n++;
        }
        memcpy(out, at, n);
    }
    out[n] = '\0';
}

/* The payment terminal: declines the first card it sees. */
static int take_payment(const char *amount)
{
    static int attempts = 0;
    attempts++;
    printf("  payment of $%s: %s\n", amount, attempts == 1 ? "DECLINED" : "approved");
    return attempts > 1;
}

/* Read a whole file into a NUL-terminated buffer. */
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

/* Today's basket: a latte and a croissant. */
#define BASKET                                                                                 \
    "[{\"sku\": \"latte\", \"category\": \"coffee\", \"quantity\": 1, \"unit_price\": \"4.75\"}," \
    " {\"sku\": \"croissant\", \"category\": \"pastry\", \"quantity\": 1, \"unit_price\": \"3.25\"}]"

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "examples/programs/cafe.json";
    Member member = {NULL, 0};
    LoyaltyEngine *loaded = NULL;
    LoyaltyResult *error = NULL, *r = NULL;
    char *program, event[1024], discount[32], total[32], reservation[64];
    size_t program_len = 0;
    long points_before = 0;
    int code = 1;

    printf("libloyalty %s (header %s)\n", loyalty_version(), LOYALTY_VERSION);

    /* 1. Load the program once; the engine may be shared by every lane. */
    program = read_file(path, &program_len);
    if (program == NULL) {
        fprintf(stderr, "cannot read %s\n", path);
        return 1;
    }
    if (loyalty_engine_new((const uint8_t *)program, program_len, &loaded, &error) != LOYALTY_OK) {
        report("load the program", error);
        loyalty_result_free(error);
        free(program);
        return 1;
    }
    free(program);
    engine = loaded;

    /* 2. Enrol a member: no account yet, so the account is `null`. */
    member.account = (char *)malloc(5);
    if (member.account == NULL) {
        goto done;
    }
    memcpy(member.account, "null", 5);
    member.account_len = 4;
    r = step(loyalty_apply, "enrol", &member,
             "{\"type\": \"enrol\", \"id\": \"enrol-42\", \"member\": \"m-42\","
             " \"time\": \"2026-03-02T08:00:00-05:00\"}");
    if (r == NULL) {
        goto done;
    }
    printf("enrolled m-42: %ld welcome points\n", number(r->outcome, "points"));
    loyalty_result_free(r);

    /* Yesterday's office order filled the stamp card: a free-coffee voucher. */
    r = step(loyalty_apply, "office order", &member,
             "{\"type\": \"purchase\", \"id\": \"p-100\", \"time\": \"2026-03-02T09:00:00-05:00\","
             " \"lines\": [{\"sku\": \"drip\", \"category\": \"coffee\", \"quantity\": 10,"
             " \"unit_price\": \"2.95\"}]}");
    if (r == NULL) {
        goto done;
    }
    printf("office order: %ld points, %ld voucher(s)\n", number(after(r->outcome, "balances"), "points"),
           number(after(r->outcome, "balances"), "vouchers"));
    loyalty_result_free(r);

    /* 3. Quote today's basket: what it would earn, changing nothing. */
    snprintf(event, sizeof event,
             "{\"type\": \"purchase\", \"id\": \"p-101\", \"time\": \"2026-03-03T08:10:00-05:00\","
             " \"lines\": " BASKET "}");
    if (loyalty_quote(engine, (const uint8_t *)member.account, member.account_len,
                      (const uint8_t *)event, strlen(event), &r) != LOYALTY_OK) {
        report("quote", r);
        loyalty_result_free(r);
        goto done;
    }
    printf("quote: %.*s\n", (int)r->quote_len, r->quote);
    loyalty_result_free(r);

    /* 4. Reserve the free coffee, take payment; on a decline release it and try again. */
    for (;;) {
        static int attempt = 0;
        int paid;
        attempt++;
        snprintf(reservation, sizeof reservation, "res-101-%d", attempt);
        snprintf(event, sizeof event,
                 "{\"type\": \"reserve\", \"id\": \"%s\", \"time\": \"2026-03-03T08:1%d:00-05:00\","
                 " \"reward\": \"free_coffee\", \"basket\": " BASKET "}",
                 reservation, attempt);
        r = step(loyalty_reserve, "reserve", &member, event);
        if (r == NULL) {
            goto done;
        }
        decimal(after(r->outcome, "discounts"), "amount", discount, sizeof discount);
        printf("reserved %s: $%s off, %ld voucher(s) left\n", reservation, discount,
               number(after(r->outcome, "balances"), "vouchers"));
        loyalty_result_free(r);
        snprintf(total, sizeof total, "%.2f", 4.75 + 3.25 - atof(discount));
        paid = take_payment(total);
        snprintf(event, sizeof event,
                 "{\"type\": \"%s\", \"id\": \"settle-%d\", \"time\": \"2026-03-03T08:1%d:30-05:00\","
                 " \"reservation\": \"%s\"}",
                 paid ? "commit" : "release", attempt, attempt, reservation);
        r = step(paid ? loyalty_commit : loyalty_release, paid ? "commit" : "release", &member, event);
        if (r == NULL) {
            goto done;
        }
        printf("  %s %s: %ld voucher(s)\n", paid ? "committed" : "released", reservation,
               number(after(r->outcome, "balances"), "vouchers"));
        points_before = number(after(r->outcome, "balances"), "points");
        loyalty_result_free(r);
        if (paid) {
            break;
        }
    }

    /* 5. The paid basket earns, with the reward discount on the latte. */
    snprintf(event, sizeof event,
             "{\"type\": \"purchase\", \"id\": \"p-101\", \"time\": \"2026-03-03T08:20:00-05:00\","
             " \"lines\": [{\"sku\": \"latte\", \"category\": \"coffee\", \"quantity\": 1,"
             " \"unit_price\": \"4.75\", \"reward_discount\": \"%s\"},"
             " {\"sku\": \"croissant\", \"category\": \"pastry\", \"quantity\": 1, \"unit_price\": \"3.25\"}],"
             " \"redemptions\": [\"%s\"]}",
             discount, reservation);
    r = step(loyalty_apply, "purchase", &member, event);
    if (r == NULL) {
        goto done;
    }

    /* 6. The receipt. */
    printf("\n        CORNER CAFE\n");
    printf("  latte                  4.75\n");
    printf("    free coffee         -%s\n", discount);
    printf("  croissant              3.25\n");
    printf("  TOTAL                  %s\n", total);
    printf("  points earned          %ld\n", number(after(r->outcome, "balances"), "points") - points_before);
    printf("  balance: %ld points, %ld stamps, %ld voucher(s)\n",
           number(after(r->outcome, "balances"), "points"),
           number(after(r->outcome, "balances"), "stamps"),
           number(after(r->outcome, "balances"), "vouchers"));
    loyalty_result_free(r);

    /* A retry of the same purchase (the network dropped) is a duplicate: no double points. */
    {
        LoyaltyResult *again = NULL;
        LoyaltyStatus s = loyalty_apply(engine, (const uint8_t *)member.account, member.account_len,
                                        (const uint8_t *)event, strlen(event), &again);
        printf("retry of p-101: %s\n", loyalty_status_name((int)s));
        loyalty_result_free(again);
        if (s != LOYALTY_DUPLICATE) {
            goto done;
        }
    }

    /* 6. A regular orders again and again during the morning rush: keep the
     *    account in the library for the session instead of passing its JSON
     *    with every order (each order is then answered with its outcome
     *    alone), and store the account once at the end. */
    {
        static const char *orders[] = {
            "{\"type\": \"purchase\", \"id\": \"p-102\", \"time\": \"2026-03-03T08:40:00-05:00\","
            " \"lines\": [{\"sku\": \"drip\", \"category\": \"coffee\", \"quantity\": 1, \"unit_price\": \"2.95\"}]}",
            "{\"type\": \"purchase\", \"id\": \"p-103\", \"time\": \"2026-03-03T09:05:00-05:00\","
            " \"lines\": [{\"sku\": \"latte\", \"category\": \"coffee\", \"quantity\": 2, \"unit_price\": \"4.75\"}]}",
        };
        LoyaltyAccount *kept = NULL;
        LoyaltyResult *k = NULL;
        size_t i;
        int ok = loyalty_account_new((const uint8_t *)member.account, member.account_len, &kept, &k) == LOYALTY_OK;
        if (!ok) {
            report("keep", k);
        }
        loyalty_result_free(k);
        for (i = 0; ok && i < sizeof orders / sizeof *orders; i++) {
            ok = loyalty_account_apply(engine, kept, (const uint8_t *)orders[i], strlen(orders[i]), &k) == LOYALTY_OK;
            if (ok) {
                printf("session order %lu: %ld points\n", (unsigned long)(i + 1),
                       number(after(k->outcome, "balances"), "points"));
            } else {
                report("session order", k);
            }
            loyalty_result_free(k);
        }
        /* The session ends: store the account as loyalty_apply would have left it. */
        ok = ok && loyalty_account_json(kept, &k) == LOYALTY_OK && keep_account(&member, k);
        loyalty_result_free(k);
        loyalty_account_free(kept);
        if (!ok) {
            goto done;
        }
        printf("stored account: %lu bytes\n", (unsigned long)member.account_len);
    }
    code = 0;

done:
    free(member.account);
    loyalty_engine_free(loaded);
    return code;
}
