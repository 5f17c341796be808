/*
 * The C suite of the loyalty library: every export, every error path, the
 * engine shared across threads, and a replay of every conformance vector
 * through the C API, compared byte for byte with the expected files.
 *
 * Usage: test_loyalty VECTORS_DIR CAFE_PROGRAM
 * Prints one line per failure and closes with `C suite: N passed, M failed`.
 *
 * Plain C99 with POSIX (dirent, pthreads); also valid C++11.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loyalty.h"

/* ---- a tiny runner ------------------------------------------------------ */

static int passed, failed, current_failures;

#define CHECK(cond) check((cond) ? 1 : 0, #cond, __FILE__, __LINE__)

static int check(int ok, const char *what, const char *file, int line)
{
    if (!ok) {
        current_failures++;
        fprintf(stderr, "  %s:%d: check failed: %s\n", file, line, what);
    }
    return ok;
}

static void run(const char *name, void (*test)(void))
{
    current_failures = 0;
    test();
    if (current_failures == 0) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "FAILED: %s\n", name);
    }
}

#define RUN(test) run(#test, test)

/* ---- helpers ------------------------------------------------------------ */

static const char *cafe_path;
static char *cafe;
static size_t cafe_len;

static const uint8_t *u8(const char *s)
{
    return (const uint8_t *)s;
}

/* Does the (ptr, len) string equal the NUL-terminated want? */
static int same(const char *ptr, size_t len, const char *want)
{
    return ptr != NULL && len == strlen(want) && memcmp(ptr, want, len) == 0 && ptr[len] == '\0';
}

static int starts_with(const char *s, const char *prefix)
{
    return s != NULL && strncmp(s, prefix, strlen(prefix)) == 0;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t cap = 4096, n = 0, got;
    if (f == NULL) {
        return NULL;
    }
    buf = (char *)malloc(cap);
    while (buf != NULL && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            char *bigger = (char *)realloc(buf, cap * 2);
            if (bigger == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf != NULL) {
        buf[n] = '\0';
        *len = n;
    }
    return buf;
}

/* Every result, whatever the call: the invariants of the header. */
static void check_shape(const LoyaltyResult *r, LoyaltyStatus status)
{
    if (!CHECK(r != NULL)) {
        return;
    }
    CHECK(r->status == status);
    CHECK(r->json != NULL && r->json_len == strlen(r->json));
    if (status == LOYALTY_OK || status == LOYALTY_DUPLICATE) {
        CHECK(starts_with(r->json, "{\"ok\":true,"));
        CHECK(r->error_kind == NULL && r->error_code == NULL && r->error_document == NULL);
        CHECK(r->error_path == NULL && r->error_path_len == 0);
        CHECK(r->error_message == NULL && r->error_message_len == 0);
    } else {
        CHECK(starts_with(r->json, "{\"ok\":false,\"error\":{\"kind\":\""));
        CHECK(r->account == NULL && r->account_len == 0);
        CHECK(r->outcome == NULL && r->outcome_len == 0);
        CHECK(r->quote == NULL && r->quote_len == 0);
        CHECK(r->error_kind != NULL && r->error_code != NULL && r->error_document != NULL);
        CHECK(r->error_path != NULL && r->error_path[r->error_path_len] == '\0');
        CHECK(r->error_message != NULL && r->error_message_len > 0);
        CHECK(r->error_message != NULL && r->error_message[r->error_message_len] == '\0');
    }
}

/* A failed call: status, kind, code, document and path, then free it. */
static void expect_error(LoyaltyStatus got, LoyaltyResult *r, LoyaltyStatus status, const char *kind,
                         const char *code, const char *document, const char *path)
{
    CHECK(got == status);
    check_shape(r, status);
    if (r != NULL && r->error_kind != NULL) {
        if (!CHECK(strcmp(r->error_kind, kind) == 0 && strcmp(r->error_code, code) == 0 &&
                   strcmp(r->error_document, document) == 0 && same(r->error_path, r->error_path_len, path))) {
            fprintf(stderr, "    got %s %s/%s in %s at `%s`: %s\n", loyalty_status_name((int)got),
                    r->error_kind, r->error_code, r->error_document, r->error_path, r->error_message);
        }
    }
    loyalty_result_free(r);
}

static LoyaltyEngine *load_cafe(void)
{
    LoyaltyEngine *engine = NULL;
    LoyaltyResult *error = NULL;
    LoyaltyStatus s = loyalty_engine_new(u8(cafe), cafe_len, &engine, &error);
    CHECK(s == LOYALTY_OK && engine != NULL && error == NULL);
    loyalty_result_free(error);
    return engine;
}

typedef LoyaltyStatus (*ApplyFn)(const LoyaltyEngine *, const uint8_t *, size_t, const uint8_t *,
                                 size_t, LoyaltyResult **);

static LoyaltyStatus call(ApplyFn fn, const LoyaltyEngine *e, const char *account, const char *event,
                          LoyaltyResult **out)
{
    return fn(e, u8(account), strlen(account), u8(event), strlen(event), out);
}

/* Apply and keep the account: returns a malloc'd copy, or NULL on failure. */
static char *apply_ok(ApplyFn fn, const LoyaltyEngine *e, const char *account, const char *event)
{
    LoyaltyResult *r = NULL;
    char *next = NULL;
    LoyaltyStatus s = call(fn, e, account, event, &r);
    check_shape(r, LOYALTY_OK);
    if (CHECK(s == LOYALTY_OK) && r != NULL && r->account != NULL) {
        next = (char *)malloc(r->account_len + 1);
        if (next != NULL) {
            memcpy(next, r->account, r->account_len + 1);
        }
    } else if (r != NULL) {
        fprintf(stderr, "    %s\n", r->json);
    }
    loyalty_result_free(r);
    return next;
}

static const char *ENROL =
    "{\"type\": \"enrol\", \"id\": \"e1\", \"member\": \"m1\", \"time\": \"2026-03-02T08:00:00-05:00\"}";
static const char *PURCHASE =
    "{\"type\": \"purchase\", \"id\": \"p1\", \"time\": \"2026-03-02T09:00:00-05:00\", \"lines\": ["
    "{\"sku\": \"drip\", \"category\": \"coffee\", \"quantity\": 10, \"unit_price\": \"2.95\"},"
    "{\"sku\": \"croissant\", \"category\": \"pastry\", \"quantity\": 2, \"unit_price\": \"3.25\"}]}";
static const char *BASKET =
    "[{\"sku\": \"latte\", \"category\": \"coffee\", \"quantity\": 1, \"unit_price\": \"4.75\"}]";

/* An enrolled member with 20 + 29 + 6 + 10 points and a free-coffee voucher. */
static char *member_with_voucher(const LoyaltyEngine *e)
{
    char *enrolled = apply_ok(loyalty_apply, e, "null", ENROL);
    char *account = enrolled != NULL ? apply_ok(loyalty_apply, e, enrolled, PURCHASE) : NULL;
    free(enrolled);
    return account;
}

/* ---- the exports -------------------------------------------------------- */

static void test_version(void)
{
    char want[32];
    snprintf(want, sizeof want, "%d.%d.%d", LOYALTY_VERSION_MAJOR, LOYALTY_VERSION_MINOR,
             LOYALTY_VERSION_PATCH);
    CHECK(strcmp(loyalty_version(), want) == 0);
    CHECK(strcmp(loyalty_version(), LOYALTY_VERSION) == 0);
    CHECK(loyalty_version() == loyalty_version());
}

static void test_status_names(void)
{
    static const char *names[] = {"LOYALTY_OK", "LOYALTY_DUPLICATE", "LOYALTY_INVALID_ARGUMENT",
                                  "LOYALTY_INVALID_JSON", "LOYALTY_VALIDATION", "LOYALTY_RULE",
                                  "LOYALTY_CONFLICT", "LOYALTY_OUT_OF_ORDER", "LOYALTY_LIMIT",
                                  "LOYALTY_PANIC"};
    int i;
    CHECK(LOYALTY_OK == 0 && LOYALTY_DUPLICATE == 1 && LOYALTY_PANIC == 9);
    for (i = 0; i < 10; i++) {
        CHECK(strcmp(loyalty_status_name(i), names[i]) == 0);
    }
    CHECK(strcmp(loyalty_status_name(-1), "LOYALTY_UNKNOWN_STATUS") == 0);
    CHECK(strcmp(loyalty_status_name(10), "LOYALTY_UNKNOWN_STATUS") == 0);
    CHECK(strcmp(loyalty_status_name(INT32_MIN), "LOYALTY_UNKNOWN_STATUS") == 0);
}

static void test_free_null(void)
{
    loyalty_result_free(NULL);
    loyalty_engine_free(NULL);
    loyalty_account_free(NULL);
    CHECK(1);
}

static void test_program_validate(void)
{
    LoyaltyResult *r = NULL;
    LoyaltyStatus s = loyalty_program_validate(u8(cafe), cafe_len, &r);
    char deep[86];

    CHECK(s == LOYALTY_OK);
    check_shape(r, LOYALTY_OK);
    CHECK(r != NULL && strcmp(r->json, "{\"ok\":true,\"program\":{\"name\":\"Corner Café\",\"currency\":\"USD\"}}") == 0);
    CHECK(r != NULL && r->account == NULL && r->outcome == NULL && r->quote == NULL);
    loyalty_result_free(r);

    s = loyalty_program_validate(u8("{"), 1, &r);
    expect_error(s, r, LOYALTY_INVALID_JSON, "invalid_json", "invalid_program_json", "program", "");

    s = loyalty_program_validate(u8("{\"name\": \"x\", \"currency\": \"USD\", \"rules\": 1}"), 44, &r);
    expect_error(s, r, LOYALTY_INVALID_JSON, "invalid_json", "invalid_program_json", "program", "rules");

    s = loyalty_program_validate(u8("{\"name\": \"x\", \"currency\": \"USD\", \"rulez\": []}"), 44, &r);
    expect_error(s, r, LOYALTY_INVALID_JSON, "invalid_json", "invalid_program_json", "program", "rulez");

    {
        const char *bad = "{\"name\": \"x\", \"currency\": \"USD\", \"rules\": [{\"id\": \"b\", \"earn\":"
                          " {\"type\": \"points_per_amount\", \"rate\": \"-1\"}}]}";
        s = loyalty_program_validate(u8(bad), strlen(bad), &r);
        expect_error(s, r, LOYALTY_VALIDATION, "validation", "invalid_program", "program",
                     "rules[0].earn.rate");
    }

    /* {"a": followed by 40 nested arrays: deeper than the limit of 32. */
    memcpy(deep, "{\"a\":", 5);
    memset(deep + 5, '[', 40);
    memset(deep + 45, ']', 40);
    deep[85] = '}';
    s = loyalty_program_validate(u8(deep), 86, &r);
    expect_error(s, r, LOYALTY_LIMIT, "limit", "limit_exceeded", "program", "");

    s = loyalty_program_validate(u8("{\"name\": \"\xff\"}"), 13, &r);
    expect_error(s, r, LOYALTY_INVALID_JSON, "invalid_json", "invalid_program_json", "program", "");

    s = loyalty_program_validate(NULL, 0, &r);
    expect_error(s, r, LOYALTY_INVALID_ARGUMENT, "invalid_argument", "null_pointer", "program", "");

    s = loyalty_program_validate(u8(cafe), SIZE_MAX, &r);
    expect_error(s, r, LOYALTY_INVALID_ARGUMENT, "invalid_argument", "length_too_large", "program", "");

    CHECK(loyalty_program_validate(u8(cafe), cafe_len, NULL) == LOYALTY_INVALID_ARGUMENT);
}

static void test_program_check(void)
{
    LoyaltyResult *r = (LoyaltyResult *)&r;
    const char *slow = "{\"name\": \"Slow\", \"currency\": \"USD\","
                       " \"rules\": [{\"id\": \"v\", \"earn\": {\"type\": \"stamps_per_visit\", \"stamps\": 1}}],"
                       " \"stamps\": {\"card_size\": 20, \"reward\": \"free\"},"
                       " \"rewards\": [{\"id\": \"free\", \"cost\": {\"type\": \"voucher\"},"
                       " \"benefit\": {\"type\": \"free_item\", \"matching\": {\"categories\": [\"coffee\"]}}}]}";
    const char *quiet = "{\"name\": \"Quiet\", \"currency\": \"USD\","
                        " \"rules\": [{\"id\": \"b\", \"earn\": {\"type\": \"points_per_amount\", \"rate\": \"1\"}}]}";
    LoyaltyStatus s = loyalty_program_check(u8(slow), strlen(slow), &r);

    /* Warnings are an answer, not an error. */
    CHECK(s == LOYALTY_OK);
    check_shape(r, LOYALTY_OK);
    CHECK(r != NULL && strncmp(r->json, "{\"ok\":true,\"warnings\":[{\"path\":\"stamps.card_size\","
                                        "\"code\":\"first_stamp_reward_slow\",", 83) == 0);
    CHECK(r != NULL && strstr(r->json, "guidance for stamp cards: first reward within 5-10 visits") != NULL);
    loyalty_result_free(r);

    s = loyalty_program_check(u8(quiet), strlen(quiet), &r);
    CHECK(s == LOYALTY_OK);
    CHECK(r != NULL && strcmp(r->json, "{\"ok\":true,\"warnings\":[]}") == 0);
    loyalty_result_free(r);

    s = loyalty_program_check(u8("{\"name\": \"x\", \"currency\": \"USD\", \"rulez\": []}"), 44, &r);
    expect_error(s, r, LOYALTY_INVALID_JSON, "invalid_json", "invalid_program_json", "program", "rulez");

    s = loyalty_program_check(NULL, 0, &r);
    expect_error(s, r, LOYALTY_INVALID_ARGUMENT, "invalid_argument", "null_pointer", "program", "");

    CHECK(loyalty_program_check(u8(quiet), strlen(quiet), NULL) == LOYALTY_INVALID_ARGUMENT);
}

static void test_engine_new(void)
{
    LoyaltyEngine *e = (LoyaltyEngine *)&e; /* garbage the call must overwrite */
    LoyaltyResult *r = (LoyaltyResult *)&r;
    LoyaltyStatus s;

    s = loyalty_engine_new(u8(cafe), cafe_len, &e, &r);
    CHECK(s == LOYALTY_OK && e != NULL && r == NULL);
    loyalty_engine_free(e);

    e = NULL;
    s = loyalty_engine_new(u8(cafe), cafe_len, &e, NULL);
    CHECK(s == LOYALTY_OK && e != NULL);
    loyalty_engine_free(e);

    e = (LoyaltyEngine *)&e;
    s = loyalty_engine_new(u8("[]"), 2, &e, &r);
    CHECK(e == NULL);
    expect_error(s, r, LOYALTY_INVALID_JSON, "invalid_json", "invalid_program_json", "program", "");

    s = loyalty_engine_new(u8("[]"), 2, &e, NULL);
    CHECK(s == LOYALTY_INVALID_JSON && e == NULL);

    {
        const char *bad = "{\"name\": \"x\", \"currency\": \"USD\", \"rules\": [], \"rewards\": [{\"id\":"
                          " \"r\", \"cost\": {\"type\": \"points\", \"points\": 0}, \"benefit\":"
                          " {\"type\": \"fixed_discount\", \"amount\": \"1\"}}]}";
        s = loyalty_engine_new(u8(bad), strlen(bad), &e, &r);
        CHECK(e == NULL);
        CHECK(s == LOYALTY_VALIDATION);
        check_shape(r, LOYALTY_VALIDATION);
        CHECK(r != NULL && starts_with(r->error_path, "rewards[0]"));
        loyalty_result_free(r);
    }

    s = loyalty_engine_new(NULL, 10, &e, &r);
    CHECK(e == NULL);
    expect_error(s, r, LOYALTY_INVALID_ARGUMENT, "invalid_argument", "null_pointer", "program", "");

    s = loyalty_engine_new(u8(cafe), (size_t)PTRDIFF_MAX + 1, &e, &r);
    expect_error(s, r, LOYALTY_INVALID_ARGUMENT, "invalid_argument", "length_too_large", "program", "");

    s = loyalty_engine_new(u8("\xc3\x28"), 2, &e, &r);
    expect_error(s, r, LOYALTY_INVALID_JSON, "invalid_json", "invalid_program_json", "program", "");

    s = loyalty_engine_new(u8(cafe), cafe_len, NULL, &r);
    expect_error(s, r, LOYALTY_INVALID_ARGUMENT, "invalid_argument", "null_pointer", "program", "");

    CHECK(loyalty_engine_new(u8(cafe), cafe_len, NULL, NULL) == LOYALTY_INVALID_ARGUMENT);
}

static void test_apply_flow(void)
{
    LoyaltyEngine *e = load_cafe();
    LoyaltyResult *r = NULL;
    LoyaltyStatus s;
    char *account, *envelope;

    s = call(loyalty_apply, e, "null", ENROL, &r);
    CHECK(s == LOYALTY_OK);
    check_shape(r, LOYALTY_OK);
    CHECK(r != NULL && starts_with(r->outcome, "{\"event\":\"e1\",\"status\":\"applied\""));
    CHECK(r != NULL && starts_with(r->account, "{\"member\":\"m1\""));
    CHECK(r != NULL && r->account_len == strlen(r->account) && r->outcome_len == strlen(r->outcome));
    CHECK(r != NULL && r->quote == NULL);
    /* The envelope is exactly {"ok":true,"outcome":O,"account":A}. */
    envelope = (char *)malloc(r->json_len + 1);
    if (envelope != NULL && r != NULL) {
        snprintf(envelope, r->json_len + 1, "{\"ok\":true,\"outcome\":%s,\"account\":%s}", r->outcome,
                 r->account);
        CHECK(strcmp(envelope, r->json) == 0);
    }
    free(envelope);
    loyalty_result_free(r);

    account = apply_ok(loyalty_apply, e, "null", ENROL);
    if (account != NULL) {
        char *after = apply_ok(loyalty_apply, e, account, PURCHASE);
        /* A retry: LOYALTY_DUPLICATE, with the outcome and the same account. */
        s = call(loyalty_apply, e, after != NULL ? after : "null", PURCHASE, &r);
        CHECK(s == LOYALTY_DUPLICATE);
        check_shape(r, LOYALTY_DUPLICATE);
        CHECK(r != NULL && starts_with(r->outcome, "{\"event\":\"p1\",\"status\":\"duplicate\""));
        CHECK(r != NULL && after != NULL && strcmp(r->account, after) == 0);
        loyalty_result_free(r);

        /* The same id with other content: a conflict. */
        {
            const char *other = "{\"type\": \"purchase\", \"id\": \"p1\", \"time\": \"2026-03-02T09:00:00-05:00\","
                                " \"lines\": [{\"sku\": \"tea\", \"quantity\": 1, \"unit_price\": \"2.00\"}]}";
            s = call(loyalty_apply, e, after != NULL ? after : "null", other, &r);
            expect_error(s, r, LOYALTY_CONFLICT, "conflict", "conflict", "event", "id");
        }
        /* Older than the last event: out of order. */
        {
            const char *old = "{\"type\": \"time_advanced\", \"id\": \"t0\", \"time\": \"2026-03-01T00:00:00Z\"}";
            s = call(loyalty_apply, e, after != NULL ? after : "null", old, &r);
            expect_error(s, r, LOYALTY_OUT_OF_ORDER, "out_of_order", "out_of_order", "event", "time");
        }
        /* 20 welcome points are not enough for $5 off: a rule error. */
        {
            char redeem[512];
            snprintf(redeem, sizeof redeem,
                     "{\"type\": \"redeem\", \"id\": \"r1\", \"time\": \"2026-03-02T10:00:00-05:00\","
                     " \"reward\": \"five_off\", \"basket\": %s}",
                     BASKET);
            s = call(loyalty_apply, e, account, redeem, &r);
            CHECK(s == LOYALTY_RULE);
            check_shape(r, LOYALTY_RULE);
            CHECK(r != NULL && r->error_kind != NULL && strcmp(r->error_kind, "rule") == 0);
            CHECK(r != NULL && r->error_code != NULL && strcmp(r->error_code, "insufficient_points") == 0);
            loyalty_result_free(r);
        }
        free(after);
    }
    free(account);
    loyalty_engine_free(e);
}

static void test_apply_errors(void)
{
    LoyaltyEngine *e = load_cafe();
    LoyaltyResult *r = NULL;
    LoyaltyStatus s;
    char *big;
    const size_t big_len = (1u << 20) + 10;

    /* Only an enrolment may start an account. */
    s = call(loyalty_apply, e, "null", PURCHASE, &r);
    expect_error(s, r, LOYALTY_RULE, "rule", "not_enrolled", "event", "type");

    s = call(loyalty_apply, e, "null", "{\"type\": \"enrol\", \"id\": \"e1\"}", &r);
    expect_error(s, r, LOYALTY_INVALID_JSON, "invalid_json", "invalid_event_json", "event", "");

    s = call(loyalty_apply, e, "null",
             "{\"type\": \"purchase\", \"id\": \"p\", \"time\": \"2026-03-02T09:00:00Z\", \"lines\":"
             " [{\"sku\": \"a\", \"quantity\": 1, \"unit_price\": 2}]}",
             &r);
    expect_error(s, r, LOYALTY_INVALID_JSON, "invalid_json", "invalid_event_json", "event",
                 "lines[0].unit_price");

    {
        char *account = apply_ok(loyalty_apply, e, "null", ENROL);
        s = call(loyalty_apply, e, account != NULL ? account : "null",
                 "{\"type\": \"purchase\", \"id\": \"p\", \"time\": \"2026-03-02T09:00:00Z\", \"lines\":"
                 " [{\"sku\": \"a\", \"quantity\": 0, \"unit_price\": \"2\"}]}",
                 &r);
        expect_error(s, r, LOYALTY_VALIDATION, "validation", "invalid_event", "event", "lines[0].quantity");
        free(account);
    }

    s = call(loyalty_apply, e, "{\"member\": 1}", ENROL, &r);
    expect_error(s, r, LOYALTY_INVALID_JSON, "invalid_json", "invalid_account_json", "account", "member");

    s = call(loyalty_apply, e, "", ENROL, &r);
    expect_error(s, r, LOYALTY_INVALID_JSON, "invalid_json", "invalid_account_json", "account", "");

    /* Invalid UTF-8, in each document. */
    s = loyalty_apply(e, u8("nul\xff"), 4, u8(ENROL), strlen(ENROL), &r);
    expect_error(s, r, LOYALTY_INVALID_JSON, "invalid_json", "invalid_account_json", "account", "");
    s = loyalty_apply(e, u8("null"), 4, u8("{\"type\": \"\xe2\x82\"}"), 13, &r);
    expect_error(s, r, LOYALTY_INVALID_JSON, "invalid_json", "invalid_event_json", "event", "");

    /* A NUL byte inside the given length is part of the input, not its end. */
    {
        char event[128];
        size_t n = strlen(ENROL);
        memcpy(event, ENROL, n + 1);
        event[10] = '\0';
        s = loyalty_apply(e, u8("null"), 4, u8(event), n, &r);
        CHECK(s == LOYALTY_INVALID_JSON);
        check_shape(r, LOYALTY_INVALID_JSON);
        loyalty_result_free(r);
        /* ... and a length shorter than the text cuts it. */
        s = loyalty_apply(e, u8("null"), 4, u8(ENROL), n - 1, &r);
        CHECK(s == LOYALTY_INVALID_JSON);
        loyalty_result_free(r);
    }

    /* Over the document size limit. */
    big = (char *)malloc(big_len);
    if (big != NULL) {
        memset(big, ' ', big_len);
        memcpy(big, "null", 4);
        s = loyalty_apply(e, u8(big), big_len, u8(ENROL), strlen(ENROL), &r);
        expect_error(s, r, LOYALTY_LIMIT, "limit", "limit_exceeded", "account", "");
        free(big);
    }

    /* Null pointers and lengths that cannot be. */
    s = call(loyalty_apply, NULL, "null", ENROL, &r);
    expect_error(s, r, LOYALTY_INVALID_ARGUMENT, "invalid_argument", "null_pointer", "program", "");
    s = loyalty_apply(e, NULL, 0, u8(ENROL), strlen(ENROL), &r);
    expect_error(s, r, LOYALTY_INVALID_ARGUMENT, "invalid_argument", "null_pointer", "account", "");
    s = loyalty_apply(e, u8("null"), 4, NULL, 0, &r);
    expect_error(s, r, LOYALTY_INVALID_ARGUMENT, "invalid_argument", "null_pointer", "event", "");
    s = loyalty_apply(e, u8("null"), SIZE_MAX, u8(ENROL), strlen(ENROL), &r);
    expect_error(s, r, LOYALTY_INVALID_ARGUMENT, "invalid_argument", "length_too_large", "account", "");
    s = loyalty_apply(e, u8("null"), 4, u8(ENROL), SIZE_MAX / 2 + 1, &r);
    expect_error(s, r, LOYALTY_INVALID_ARGUMENT, "invalid_argument", "length_too_large", "event", "");
    CHECK(call(loyalty_apply, e, "null", ENROL, NULL) == LOYALTY_INVALID_ARGUMENT);

    loyalty_engine_free(e);
}

static void test_quote(void)
{
    LoyaltyEngine *e = load_cafe();
    LoyaltyResult *r = NULL;
    LoyaltyStatus s;
    char *account = apply_ok(loyalty_apply, e, "null", ENROL);
    const char *acct = account != NULL ? account : "null";

    s = call(loyalty_quote, e, acct, PURCHASE, &r);
    CHECK(s == LOYALTY_OK);
    check_shape(r, LOYALTY_OK);
    CHECK(r != NULL && r->account == NULL && r->outcome == NULL);
    CHECK(r != NULL && r->quote != NULL && r->quote_len == strlen(r->quote));
    CHECK(r != NULL && starts_with(r->json, "{\"ok\":true,\"quote\":") && r->quote != NULL &&
          strncmp(r->json + 19, r->quote, r->quote_len) == 0 && strcmp(r->json + 19 + r->quote_len, "}") == 0);
    CHECK(r != NULL && r->quote != NULL && strstr(r->quote, "\"points\":") != NULL);
    loyalty_result_free(r);

    /* A quote for a member not enrolled yet is allowed. */
    s = call(loyalty_quote, e, "null", PURCHASE, &r);
    CHECK(s == LOYALTY_OK);
    loyalty_result_free(r);

    s = call(loyalty_quote, e, acct, ENROL, &r);
    expect_error(s, r, LOYALTY_VALIDATION, "validation", "invalid_event", "event", "type");
    s = call(loyalty_quote, e, acct, "{\"type\": \"purchase\"}", &r);
    expect_error(s, r, LOYALTY_INVALID_JSON, "invalid_json", "invalid_event_json", "event", "");
    s = call(loyalty_quote, e, "[]", PURCHASE, &r);
    expect_error(s, r, LOYALTY_INVALID_JSON, "invalid_json", "invalid_account_json", "account", "");
    s = call(loyalty_quote, NULL, acct, PURCHASE, &r);
    expect_error(s, r, LOYALTY_INVALID_ARGUMENT, "invalid_argument", "null_pointer", "program", "");
    s = loyalty_quote(e, NULL, 4, u8(PURCHASE), strlen(PURCHASE), &r);
    expect_error(s, r, LOYALTY_INVALID_ARGUMENT, "invalid_argument", "null_pointer", "account", "");
    s = loyalty_quote(e, u8("null"), 4, NULL, 4, &r);
    expect_error(s, r, LOYALTY_INVALID_ARGUMENT, "invalid_argument", "null_pointer", "event", "");
    s = loyalty_quote(e, u8("null"), 4, u8(PURCHASE), SIZE_MAX, &r);
    expect_error(s, r, LOYALTY_INVALID_ARGUMENT, "invalid_argument", "length_too_large", "event", "");
    s = loyalty_quote(e, u8("null"), 4, u8("\"\x80\""), 3, &r);
    expect_error(s, r, LOYALTY_INVALID_JSON, "invalid_json", "invalid_event_json", "event", "");
    CHECK(call(loyalty_quote, e, acct, PURCHASE, NULL) == LOYALTY_INVALID_ARGUMENT);

    free(account);
    loyalty_engine_free(e);
}

/* Keep an account: a malloc'd handle, or NULL on failure. */
static LoyaltyAccount *keep(const char *account)
{
    LoyaltyAccount *kept = NULL;
    LoyaltyResult *error = NULL;
    LoyaltyStatus s = loyalty_account_new(u8(account), strlen(account), &kept, &error);
    CHECK(s == LOYALTY_OK && kept != NULL && error == NULL);
    loyalty_result_free(error);
    return kept;
}

/* The kept account's JSON, malloc'd (NULL on failure). */
static char *kept_json(const LoyaltyAccount *kept)
{
    LoyaltyResult *r = NULL;
    char *json = NULL;
    LoyaltyStatus s = loyalty_account_json(kept, &r);
    check_shape(r, LOYALTY_OK);
    if (CHECK(s == LOYALTY_OK) && r != NULL && r->account != NULL) {
        CHECK(r->outcome == NULL && r->quote == NULL);
        CHECK(starts_with(r->json, "{\"ok\":true,\"account\":") &&
              strncmp(r->json + 21, r->account, r->account_len) == 0 &&
              strcmp(r->json + 21 + r->account_len, "}") == 0);
        json = (char *)malloc(r->account_len + 1);
        if (json != NULL) {
            memcpy(json, r->account, r->account_len + 1);
        }
    }
    loyalty_result_free(r);
    return json;
}

/* Apply to a kept account and to its JSON: the same status and outcome (or
 * the same failure), and the same account after; returns the status. */
static LoyaltyStatus apply_both(const LoyaltyEngine *e, LoyaltyAccount *kept, char **account, const char *event)
{
    LoyaltyResult *r = NULL, *k = NULL;
    LoyaltyStatus s = call(loyalty_apply, e, *account, event, &r);
    LoyaltyStatus ks = loyalty_account_apply(e, kept, u8(event), strlen(event), &k);
    CHECK(ks == s);
    check_shape(k, ks);
    if (r != NULL && k != NULL && (s == LOYALTY_OK || s == LOYALTY_DUPLICATE)) {
        /* {"ok":true,"outcome":O} with O the stateless outcome, no account. */
        CHECK(k->account == NULL && k->quote == NULL);
        CHECK(k->outcome != NULL && same(k->outcome, k->outcome_len, r->outcome));
        CHECK(starts_with(k->json, "{\"ok\":true,\"outcome\":") && k->outcome != NULL &&
              strncmp(k->json + 21, k->outcome, k->outcome_len) == 0 &&
              strcmp(k->json + 21 + k->outcome_len, "}") == 0);
        if (r->account != NULL) {
            char *next = (char *)malloc(r->account_len + 1);
            if (next != NULL) {
                memcpy(next, r->account, r->account_len + 1);
                free(*account);
                *account = next;
            }
        }
    } else if (r != NULL && k != NULL) {
        CHECK(same(k->json, k->json_len, r->json));
    }
    loyalty_result_free(r);
    loyalty_result_free(k);
    {
        char *now = kept_json(kept);
        CHECK(now != NULL && strcmp(now, *account) == 0);
        free(now);
    }
    return s;
}

static void test_kept_account(void)
{
    LoyaltyEngine *e = load_cafe();
    LoyaltyAccount *kept = keep("null"), *other = NULL;
    LoyaltyResult *r = NULL;
    LoyaltyStatus s;
    char *account = (char *)malloc(5);
    const char *conflict = "{\"type\": \"purchase\", \"id\": \"p1\", \"time\": \"2026-03-02T09:00:00-05:00\","
                           " \"lines\": [{\"sku\": \"tea\", \"quantity\": 1, \"unit_price\": \"2.00\"}]}";
    const char *old = "{\"type\": \"time_advanced\", \"id\": \"t0\", \"time\": \"2026-03-01T00:00:00Z\"}";
    char redeem[512];

    if (account == NULL || kept == NULL) {
        CHECK(0);
        free(account);
        loyalty_account_free(kept);
        loyalty_engine_free(e);
        return;
    }
    memcpy(account, "null", 5);
    {
        char *before = kept_json(kept);
        CHECK(before != NULL && strcmp(before, "null") == 0);
        free(before);
    }
    /* Before enrolment only an enrolment may come. */
    CHECK(apply_both(e, kept, &account, PURCHASE) == LOYALTY_RULE);
    CHECK(apply_both(e, kept, &account, ENROL) == LOYALTY_OK);
    CHECK(apply_both(e, kept, &account, PURCHASE) == LOYALTY_OK);
    CHECK(apply_both(e, kept, &account, PURCHASE) == LOYALTY_DUPLICATE);
    CHECK(apply_both(e, kept, &account, conflict) == LOYALTY_CONFLICT);
    CHECK(apply_both(e, kept, &account, old) == LOYALTY_OUT_OF_ORDER);
    CHECK(apply_both(e, kept, &account, "{\"type\": \"purchase\"}") == LOYALTY_INVALID_JSON);
    snprintf(redeem, sizeof redeem,
             "{\"type\": \"redeem\", \"id\": \"r1\", \"time\": \"2026-03-02T10:00:00-05:00\","
             " \"reward\": \"free_coffee\", \"basket\": %s}",
             BASKET);
    CHECK(apply_both(e, kept, &account, redeem) == LOYALTY_OK);

    /* A quote: loyalty_quote's answer for the account's JSON. */
    {
        LoyaltyResult *k = NULL;
        s = call(loyalty_quote, e, account, PURCHASE, &r);
        CHECK(loyalty_account_quote(e, kept, u8(PURCHASE), strlen(PURCHASE), &k) == s);
        CHECK(s == LOYALTY_OK && r != NULL && k != NULL && same(k->json, k->json_len, r->json));
        CHECK(k != NULL && k->quote != NULL && r != NULL && same(k->quote, k->quote_len, r->quote));
        loyalty_result_free(r);
        loyalty_result_free(k);
        s = loyalty_account_quote(e, kept, u8(ENROL), strlen(ENROL), &k);
        expect_error(s, k, LOYALTY_VALIDATION, "validation", "invalid_event", "event", "type");
    }

    /* The kept JSON keeps again, and applies as the original. */
    other = keep(account);
    {
        char *copy = other != NULL ? kept_json(other) : NULL;
        CHECK(copy != NULL && strcmp(copy, account) == 0);
        free(copy);
    }
    loyalty_account_free(other);

    /* Arguments. */
    s = loyalty_account_new(u8("[]"), 2, &other, &r);
    CHECK(other == NULL);
    expect_error(s, r, LOYALTY_INVALID_JSON, "invalid_json", "invalid_account_json", "account", "");
    s = loyalty_account_new(NULL, 4, &other, &r);
    CHECK(other == NULL);
    expect_error(s, r, LOYALTY_INVALID_ARGUMENT, "invalid_argument", "null_pointer", "account", "");
    s = loyalty_account_new(u8("null"), 4, NULL, &r);
    expect_error(s, r, LOYALTY_INVALID_ARGUMENT, "invalid_argument", "null_pointer", "account", "");
    CHECK(loyalty_account_new(u8("[]"), 2, &other, NULL) == LOYALTY_INVALID_JSON && other == NULL);
    s = loyalty_account_apply(e, NULL, u8(PURCHASE), strlen(PURCHASE), &r);
    expect_error(s, r, LOYALTY_INVALID_ARGUMENT, "invalid_argument", "null_pointer", "account", "");
    s = loyalty_account_apply(NULL, kept, u8(PURCHASE), strlen(PURCHASE), &r);
    expect_error(s, r, LOYALTY_INVALID_ARGUMENT, "invalid_argument", "null_pointer", "program", "");
    s = loyalty_account_apply(e, kept, NULL, 4, &r);
    expect_error(s, r, LOYALTY_INVALID_ARGUMENT, "invalid_argument", "null_pointer", "event", "");
    s = loyalty_account_apply(e, kept, u8(PURCHASE), SIZE_MAX, &r);
    expect_error(s, r, LOYALTY_INVALID_ARGUMENT, "invalid_argument", "length_too_large", "event", "");
    s = loyalty_account_quote(e, NULL, u8(PURCHASE), strlen(PURCHASE), &r);
    expect_error(s, r, LOYALTY_INVALID_ARGUMENT, "invalid_argument", "null_pointer", "account", "");
    s = loyalty_account_json(NULL, &r);
    expect_error(s, r, LOYALTY_INVALID_ARGUMENT, "invalid_argument", "null_pointer", "account", "");
    CHECK(loyalty_account_apply(e, kept, u8(PURCHASE), strlen(PURCHASE), NULL) == LOYALTY_INVALID_ARGUMENT);
    CHECK(loyalty_account_json(kept, NULL) == LOYALTY_INVALID_ARGUMENT);
    {
        char *after = kept_json(kept);
        CHECK(after != NULL && strcmp(after, account) == 0);
        free(after);
    }

    free(account);
    loyalty_account_free(kept);
    loyalty_engine_free(e);
}

static void test_two_phase(void)
{
    LoyaltyEngine *e = load_cafe();
    LoyaltyResult *r = NULL;
    LoyaltyStatus s;
    char reserve[512], *account = member_with_voucher(e), *held, *released, *committed;
    const char *release = "{\"type\": \"release\", \"id\": \"x1\", \"time\": \"2026-03-02T10:01:00-05:00\","
                          " \"reservation\": \"res1\"}";
    const char *commit = "{\"type\": \"commit\", \"id\": \"c1\", \"time\": \"2026-03-02T10:02:00-05:00\","
                         " \"reservation\": \"res1\"}";

    snprintf(reserve, sizeof reserve,
             "{\"type\": \"reserve\", \"id\": \"res1\", \"time\": \"2026-03-02T10:00:00-05:00\","
             " \"reward\": \"free_coffee\", \"basket\": %s}",
             BASKET);
    if (!CHECK(account != NULL)) {
        loyalty_engine_free(e);
        return;
    }

    /* Each convenience call takes only its own event type. */
    s = call(loyalty_reserve, e, account, commit, &r);
    expect_error(s, r, LOYALTY_INVALID_ARGUMENT, "invalid_argument", "wrong_event_type", "event", "");
    s = call(loyalty_commit, e, account, reserve, &r);
    expect_error(s, r, LOYALTY_INVALID_ARGUMENT, "invalid_argument", "wrong_event_type", "event", "");
    s = call(loyalty_release, e, account, PURCHASE, &r);
    expect_error(s, r, LOYALTY_INVALID_ARGUMENT, "invalid_argument", "wrong_event_type", "event", "");
    /* A malformed event is reported as the core reports it. */
    s = call(loyalty_reserve, e, account, "{\"type\": \"reserve\"}", &r);
    expect_error(s, r, LOYALTY_INVALID_JSON, "invalid_json", "invalid_event_json", "event", "");
    s = call(loyalty_commit, e, account, "not json", &r);
    expect_error(s, r, LOYALTY_INVALID_JSON, "invalid_json", "invalid_event_json", "event", "");
    s = call(loyalty_release, NULL, account, release, &r);
    expect_error(s, r, LOYALTY_INVALID_ARGUMENT, "invalid_argument", "null_pointer", "program", "");
    s = loyalty_commit(e, u8(account), strlen(account), NULL, 0, &r);
    expect_error(s, r, LOYALTY_INVALID_ARGUMENT, "invalid_argument", "null_pointer", "event", "");
    CHECK(call(loyalty_reserve, e, account, reserve, NULL) == LOYALTY_INVALID_ARGUMENT);
    /* Committing a reservation that does not exist: a rule error. */
    s = call(loyalty_commit, e, account, commit, &r);
    CHECK(s == LOYALTY_RULE);
    check_shape(r, LOYALTY_RULE);
    loyalty_result_free(r);

    /* Reserve: the outcome names the reservation; the voucher is held. */
    s = call(loyalty_reserve, e, account, reserve, &r);
    CHECK(s == LOYALTY_OK);
    check_shape(r, LOYALTY_OK);
    CHECK(r != NULL && r->outcome != NULL && strstr(r->outcome, "\"reservation\":{\"id\":\"res1\"") != NULL);
    CHECK(r != NULL && r->outcome != NULL && strstr(r->outcome, "\"reward\":\"free_coffee\"") != NULL);
    loyalty_result_free(r);

    /* Payment failed: release gives the voucher back. */
    held = apply_ok(loyalty_reserve, e, account, reserve);
    released = held != NULL ? apply_ok(loyalty_release, e, held, release) : NULL;
    CHECK(released != NULL && strstr(released, "\"reservations\"") == NULL);
    /* The same reservation is gone: commit after release is refused. */
    if (released != NULL) {
        s = call(loyalty_commit, e, released, commit, &r);
        CHECK(s == LOYALTY_RULE);
        loyalty_result_free(r);
    }

    /* Payment succeeded: commit spends it, and a retry is a duplicate. */
    committed = held != NULL ? apply_ok(loyalty_commit, e, held, commit) : NULL;
    if (committed != NULL) {
        s = call(loyalty_commit, e, committed, commit, &r);
        CHECK(s == LOYALTY_DUPLICATE);
        check_shape(r, LOYALTY_DUPLICATE);
        loyalty_result_free(r);
    }
    CHECK(committed != NULL);
    free(account);
    free(held);
    free(released);
    free(committed);
    loyalty_engine_free(e);
}

/* ---- one engine, many threads ------------------------------------------- */

#define THREADS 4
#define EVENTS_PER_THREAD 40

typedef struct Lane {
    const LoyaltyEngine *engine;
    char *account;
    int errors;
} Lane;

static void *lane_run(void *arg)
{
    Lane *lane = (Lane *)arg;
    char event[512];
    int i;
    lane->account = NULL;
    for (i = -1; i < EVENTS_PER_THREAD; i++) {
        LoyaltyResult *r = NULL;
        const char *account = lane->account != NULL ? lane->account : "null";
        if (i < 0) {
            snprintf(event, sizeof event, "%s", ENROL);
        } else {
            snprintf(event, sizeof event,
                     "{\"type\": \"purchase\", \"id\": \"p%d\", \"time\": \"2026-03-%02dT09:00:00Z\","
                     " \"lines\": [{\"sku\": \"latte\", \"category\": \"coffee\", \"quantity\": %d,"
                     " \"unit_price\": \"4.75\"}]}",
                     i, 3 + i / 4, 1 + i % 3);
        }
        if (loyalty_apply(lane->engine, u8(account), strlen(account), u8(event), strlen(event), &r) !=
            LOYALTY_OK) {
            lane->errors++;
        } else {
            char *next = (char *)malloc(r->account_len + 1);
            if (next != NULL) {
                memcpy(next, r->account, r->account_len + 1);
            }
            free(lane->account);
            lane->account = next;
        }
        loyalty_result_free(r);
    }
    return NULL;
}

static void test_threads_share_an_engine(void)
{
    LoyaltyEngine *e = load_cafe();
    pthread_t threads[THREADS];
    Lane lanes[THREADS + 1];
    int i;
    for (i = 0; i <= THREADS; i++) {
        lanes[i].engine = e;
        lanes[i].errors = 0;
        lanes[i].account = NULL;
    }
    lane_run(&lanes[THREADS]); /* the reference, alone */
    for (i = 0; i < THREADS; i++) {
        CHECK(pthread_create(&threads[i], NULL, lane_run, &lanes[i]) == 0);
    }
    for (i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
    }
    for (i = 0; i <= THREADS; i++) {
        CHECK(lanes[i].errors == 0);
        CHECK(lanes[i].account != NULL && lanes[THREADS].account != NULL &&
              strcmp(lanes[i].account, lanes[THREADS].account) == 0);
        free(lanes[i].account);
    }
    loyalty_engine_free(e);
}

/* ---- conformance vectors ------------------------------------------------ */

typedef struct Buf {
    char *data;
    size_t len, cap;
} Buf;

static void buf_add(Buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *bigger = (char *)realloc(b->data, cap);
        if (bigger == NULL) {
            return;
        }
        b->data = bigger;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static char *path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = (char *)malloc(n);
    if (p != NULL) {
        snprintf(p, n, "%s/%s", dir, name);
    }
    return p;
}

static char *read_in(const char *dir, const char *name, size_t *len)
{
    char *path = path_join(dir, name);
    char *text = path != NULL ? read_file(path, len) : NULL;
    free(path);
    return text;
}

/* Replay one folder as loyalty-core/tests/vectors.rs does; 1 if it matches. */
static int replay(const char *dir)
{
    Buf out = {NULL, 0, 0};
    size_t program_len = 0, events_len = 0, expected_len = 0, account_len = 0;
    char *program = read_in(dir, "program.json", &program_len);
    char *events = read_in(dir, "events.jsonl", &events_len);
    char *expected = read_in(dir, "expected.jsonl", &expected_len);
    char *account = read_in(dir, "account.json", &account_len);
    LoyaltyEngine *engine = NULL;
    LoyaltyAccount *kept = NULL;
    LoyaltyResult *r = NULL, *k = NULL;
    char *line;
    int ok, kept_ok = 1, applied = 0;

    if (program == NULL || expected == NULL) {
        fprintf(stderr, "  %s: program.json or expected.jsonl missing\n", dir);
        free(program);
        free(events);
        free(expected);
        free(account);
        return 0;
    }
    if (account == NULL) {
        account = (char *)malloc(5);
        if (account != NULL) {
            memcpy(account, "null", 5);
        }
    } else { /* trim, as the Rust runner does */
        size_t start = 0, end = account_len;
        while (start < end && is_space(account[start])) start++;
        while (end > start && is_space(account[end - 1])) end--;
        memmove(account, account + start, end - start);
        account[end - start] = '\0';
    }

    loyalty_program_validate(u8(program), program_len, &r);
    if (r != NULL) {
        buf_add(&out, r->json, r->json_len);
    }
    buf_add(&out, "\n", 1);
    loyalty_result_free(r);
    loyalty_engine_new(u8(program), program_len, &engine, NULL);
    /* The same steps on a kept account, when the vector's account reads. */
    if (account != NULL) {
        loyalty_account_new(u8(account), strlen(account), &kept, NULL);
    }

    line = events;
    while (engine != NULL && line != NULL && *line != '\0' && account != NULL) {
        char *nl = strchr(line, '\n');
        char *next = nl != NULL ? nl + 1 : NULL;
        size_t n = nl != NULL ? (size_t)(nl - line) : strlen(line);
        size_t i;
        int blank = 1;
        if (n > 0 && line[n - 1] == '\r') {
            n--;
        }
        for (i = 0; i < n; i++) {
            blank = blank && is_space(line[i]);
        }
        if (!blank) {
            static const char quote[] = "{\"quote\": ";
            LoyaltyStatus s;
            if (n > sizeof quote - 1 && strncmp(line, quote, sizeof quote - 1) == 0 && line[n - 1] == '}') {
                s = loyalty_quote(engine, u8(account), strlen(account), u8(line + sizeof quote - 1),
                                  n - (sizeof quote - 1) - 1, &r);
                if (kept != NULL) {
                    LoyaltyStatus ks = loyalty_account_quote(engine, kept, u8(line + sizeof quote - 1),
                                                             n - (sizeof quote - 1) - 1, &k);
                    kept_ok = kept_ok && ks == s && r != NULL && k != NULL && k->json_len == r->json_len &&
                              memcmp(k->json, r->json, r->json_len) == 0;
                    loyalty_result_free(k);
                }
            } else {
                s = loyalty_apply(engine, u8(account), strlen(account), u8(line), n, &r);
                if (kept != NULL) {
                    /* The stateless outcome (or failure), without the account. */
                    LoyaltyStatus ks = loyalty_account_apply(engine, kept, u8(line), n, &k);
                    int success = s == LOYALTY_OK || s == LOYALTY_DUPLICATE;
                    kept_ok = kept_ok && ks == s && r != NULL && k != NULL && k->account == NULL &&
                              (success ? k->outcome != NULL && k->outcome_len == r->outcome_len &&
                                             memcmp(k->outcome, r->outcome, r->outcome_len) == 0
                                       : k->json_len == r->json_len && memcmp(k->json, r->json, r->json_len) == 0);
                    loyalty_result_free(k);
                }
                if ((s == LOYALTY_OK || s == LOYALTY_DUPLICATE) && r != NULL) {
                    applied = 1;
                    char *kept = (char *)malloc(r->account_len + 1);
                    if (kept != NULL) {
                        memcpy(kept, r->account, r->account_len + 1);
                    }
                    free(account);
                    account = kept;
                }
            }
            if (r != NULL) {
                buf_add(&out, r->json, r->json_len);
            }
            buf_add(&out, "\n", 1);
            loyalty_result_free(r);
        }
        line = next;
    }
    if (account != NULL) {
        buf_add(&out, account, strlen(account));
    }
    buf_add(&out, "\n", 1);
    /* The kept account written out is the last account the door gave. */
    if (kept != NULL && applied && account != NULL) {
        LoyaltyStatus ks = loyalty_account_json(kept, &k);
        kept_ok = kept_ok && ks == LOYALTY_OK && k != NULL && k->account != NULL && strcmp(k->account, account) == 0;
        loyalty_result_free(k);
    }
    if (!kept_ok) {
        fprintf(stderr, "  %s: the kept account answered otherwise\n", dir);
    }
    loyalty_account_free(kept);

    ok = kept_ok && out.data != NULL && out.len == expected_len && memcmp(out.data, expected, expected_len) == 0;
    if (!ok && out.data != NULL) {
        /* Show the first line that differs. */
        const char *w = expected, *g = out.data;
        int number = 1;
        while (*w != '\0' && *g != '\0') {
            const char *wn = strchr(w, '\n'), *gn = strchr(g, '\n');
            size_t wl = wn != NULL ? (size_t)(wn - w) : strlen(w);
            size_t gl = gn != NULL ? (size_t)(gn - g) : strlen(g);
            if (wl != gl || memcmp(w, g, wl) != 0) {
                break;
            }
            w += wl + (wn != NULL);
            g += gl + (gn != NULL);
            number++;
        }
        fprintf(stderr, "  %s: line %d differs\n    want: %.300s\n    got:  %.300s\n", dir, number, w, g);
    }
    loyalty_engine_free(engine);
    free(out.data);
    free(program);
    free(events);
    free(expected);
    free(account);
    return ok;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replay every folder of dir; each is one test. */
static void replay_all(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *entry;
    char **names = NULL;
    size_t count = 0, cap = 0, i;
    if (d == NULL) {
        fprintf(stderr, "FAILED: cannot open %s\n", dir);
        failed++;
        return;
    }
    while ((entry = readdir(d)) != NULL) {
        char *path, *program;
        size_t len;
        if (entry->d_name[0] == '.') {
            continue;
        }
        path = path_join(dir, entry->d_name);
        program = path != NULL ? read_in(path, "program.json", &len) : NULL;
        if (program == NULL) { /* not a vector folder */
            free(path);
            continue;
        }
        free(program);
        if (count == cap) {
            char **bigger = (char **)realloc(names, (cap = cap * 2 + 16) * sizeof *names);
            if (bigger == NULL) {
                free(path);
                break;
            }
            names = bigger;
        }
        names[count++] = path;
    }
    closedir(d);
    if (count > 0) {
        qsort(names, count, sizeof *names, compare_names);
    }
    for (i = 0; i < count; i++) {
        if (replay(names[i])) {
            passed++;
        } else {
            failed++;
            fprintf(stderr, "FAILED: vector %s\n", names[i]);
        }
        free(names[i]);
    }
    free(names);
    printf("replayed %lu conformance vector(s) from %s\n", (unsigned long)count, dir);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s VECTORS_DIR CAFE_PROGRAM\n", argv[0]);
        return 2;
    }
    cafe_path = argv[2];
    cafe = read_file(cafe_path, &cafe_len);
    if (cafe == NULL) {
        fprintf(stderr, "cannot read %s\n", cafe_path);
        return 2;
    }
    RUN(test_version);
    RUN(test_status_names);
    RUN(test_free_null);
    RUN(test_program_validate);
    RUN(test_program_check);
    RUN(test_engine_new);
    RUN(test_apply_flow);
    RUN(test_apply_errors);
    RUN(test_quote);
    RUN(test_kept_account);
    RUN(test_two_phase);
    RUN(test_threads_share_an_engine);
    replay_all(argv[1]);
    free(cafe);
    printf("C suite: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
