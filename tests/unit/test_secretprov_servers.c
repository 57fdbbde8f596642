/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/secretprov/servers.c: the servers list (veritee/secretprov.h). */
#include "test_util.h"

#include <string.h>
#include <veritee/secretprov.h>

static vt_secretprov_server_t *parse_ok(const char *list, size_t want)
{
    vt_secretprov_server_t *s = NULL;
    size_t n = 0;
    vt_assert_ok(vt_secretprov_servers_parse(list, &s, &n));
    assert_int_equal(n, want);
    return s;
}

static void parse_bad(const char *list, const char *detail)
{
    vt_secretprov_server_t *s = (void *)0x1;
    size_t n = 77;
    vt_assert_rc(vt_secretprov_servers_parse(list, &s, &n), VT_E_INVALID_ARG);
    if (strstr(vt_last_error(), detail) == NULL) {
        print_error("list '%s': detail '%s' lacks '%s'\n", list, vt_last_error(), detail);
        fail();
    }
    assert_ptr_equal(s, (void *)0x1);
    assert_int_equal(n, 77);
}

static void gramine_forms(void **state)
{
    (void)state;
    vt_secretprov_server_t *s = parse_ok("localhost:4433", 1);
    assert_string_equal(s[0].host, "localhost");
    assert_string_equal(s[0].port, "4433");
    assert_false(s[0].is_ipv6_literal);
    free(s);
    /* Gramine's CI list: an unreachable server first, separators , ; and space. */
    s = parse_ok("dummyserver:80;localhost:4433, 10.0.0.1:1 a.b-c_d.example:65535", 4);
    assert_string_equal(s[0].host, "dummyserver");
    assert_string_equal(s[0].port, "80");
    assert_string_equal(s[1].host, "localhost");
    assert_string_equal(s[2].host, "10.0.0.1");
    assert_string_equal(s[2].port, "1");
    assert_string_equal(s[3].host, "a.b-c_d.example");
    assert_string_equal(s[3].port, "65535");
    free(s);
    /* Service names resolve through getaddrinfo, as in Gramine. */
    s = parse_ok("example.org:https", 1);
    assert_string_equal(s[0].port, "https");
    free(s);
}

static void empty_tokens_are_ignored(void **state)
{
    (void)state;
    vt_secretprov_server_t *s = parse_ok(",,; a:1 ;;  ,b:2,", 2);
    assert_string_equal(s[0].host, "a");
    assert_string_equal(s[1].host, "b");
    free(s);
    parse_bad("", "no server with a port");
    parse_bad(" ,; ", "no server with a port");
}

/* A token without a port is skipped, as Gramine skips it. */
static void no_port_is_skipped(void **state)
{
    (void)state;
    vt_secretprov_server_t *s = parse_ok("first second:2 [::1] third:3", 2);
    assert_string_equal(s[0].host, "second");
    assert_string_equal(s[1].host, "third");
    free(s);
    parse_bad("localhost", "no server with a port");
    parse_bad("[::1]", "no server with a port");
}

static void ipv6_literals(void **state)
{
    (void)state;
    vt_secretprov_server_t *s = parse_ok("[::1]:4433,[fe80::1:2]:1 [2001:db8::ffff:1.2.3.4]:9", 3);
    assert_string_equal(s[0].host, "::1");
    assert_true(s[0].is_ipv6_literal);
    assert_string_equal(s[0].port, "4433");
    assert_string_equal(s[1].host, "fe80::1:2");
    assert_string_equal(s[2].host, "2001:db8::ffff:1.2.3.4");
    free(s);
    parse_bad("::1:4433", "more than one ':'");
    parse_bad("[::1:4433", "'[' without ']'");
    parse_bad("[::1]4433", "expected ':' after ']'");
    parse_bad("[localhost]:1", "not an IPv6 address");
    parse_bad("[]:1", "host of 0 bytes");
    parse_bad("[::1%eth0]:1", "not an IPv6 address");
}

static void bad_tokens_fail_the_list(void **state)
{
    (void)state;
    parse_bad(":4433", "host of 0 bytes");
    parse_bad("a:", "port of 0 bytes");
    parse_bad("a:0", "port out of 1..65535");
    parse_bad("a:65536", "port out of 1..65535");
    parse_bad("a:99999999999999999999", "port out of 1..65535");
    parse_bad("a:12_3", "bad character in the port");
    parse_bad("a/b:1", "bad character in the host");
    parse_bad("good:1 a\tb:1", "bad character in the host");
    parse_bad("a:1:2", "more than one ':'");
    char long_host[300];
    memset(long_host, 'h', 254);
    memcpy(long_host + 254, ":1", 3);
    parse_bad(long_host, "host of 254 bytes");
    memcpy(long_host + 253, ":1", 3);
    vt_secretprov_server_t *s = parse_ok(long_host, 1);
    assert_int_equal(strlen(s[0].host), 253);
    free(s);
}

static void at_most_64_servers(void **state)
{
    (void)state;
    char list[64 * 8 + 16] = "";
    for (int i = 0; i < 64; i++) strcat(list, "h:1,");
    vt_secretprov_server_t *s = parse_ok(list, 64);
    free(s);
    strcat(list, "h:1");
    parse_bad(list, "more than 64 servers");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gramine_forms),
        cmocka_unit_test(empty_tokens_are_ignored),
        cmocka_unit_test(no_port_is_skipped),
        cmocka_unit_test(ipv6_literals),
        cmocka_unit_test(bad_tokens_fail_the_list),
        cmocka_unit_test(at_most_64_servers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
