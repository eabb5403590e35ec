// SPDX-License-Identifier: MIT
//
// openssl-floor: what OpenSSL itself keeps on the heap for one idle TLS
// server session, counted exactly, so that the benchmark's bytes per TLS
// client can be read against the floor no server built on OpenSSL goes
// under (issue 12). Every allocation OpenSSL makes goes through counting
// functions (CRYPTO_set_mem_functions); N clients in child processes
// handshake over socket pairs and read 10 lines; the parent reports the
// heap its server sessions hold: after SSL_new alone, after the handshake,
// and after 10 writes. The context is set up as lib/core/tlscontext.cpp
// sets up ours (released buffers, read-ahead, no session cache, one ticket).
//
// Usage: openssl-floor CERT.pem KEY.pem [N]     Output: one line of key=value pairs.

#include <openssl/crypto.h>
#include <openssl/ssl.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <csignal>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

size_t g_live = 0;
constexpr size_t HEADER = 16;   // keeps the returned pointer 16-byte aligned

void *countedMalloc(size_t n, const char *, int)
{
    auto *p = static_cast<size_t *>(std::malloc(n + HEADER));
    if (!p)
        return nullptr;
    *p = n;
    g_live += n;
    return reinterpret_cast<char *>(p) + HEADER;
}

void countedFree(void *q, const char *, int)
{
    if (!q)
        return;
    auto *p = reinterpret_cast<size_t *>(static_cast<char *>(q) - HEADER);
    g_live -= *p;
    std::free(p);
}

void *countedRealloc(void *q, size_t n, const char *file, int line)
{
    if (!q)
        return countedMalloc(n, file, line);
    auto *p = reinterpret_cast<size_t *>(static_cast<char *>(q) - HEADER);
    const size_t old = *p;
    auto *moved = static_cast<size_t *>(std::realloc(p, n + HEADER));
    if (!moved)
        return nullptr;
    *moved = n;
    g_live = g_live - old + n;
    return reinterpret_cast<char *>(moved) + HEADER;
}

[[noreturn]] void runClient(int fd)
{
    SSL_CTX *context = SSL_CTX_new(TLS_client_method());
    SSL *ssl = SSL_new(context);
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) != 1)
        _exit(1);
    char line[64];
    for (int i = 0; i < 10; ++i) {
        if (SSL_read(ssl, line, sizeof line) <= 0)
            _exit(1);
    }
    char end;
    ::read(fd, &end, 1);   // until the parent closes
    _exit(0);
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 3) {
        std::fprintf(stderr, "usage: openssl-floor CERT.pem KEY.pem [N]\n");
        return 2;
    }
    const int n = argc > 3 ? std::atoi(argv[3]) : 100;
    if (n < 1 || n > 1000) {
        std::fprintf(stderr, "openssl-floor: N is 1 to 1000\n");
        return 2;
    }
    if (!CRYPTO_set_mem_functions(countedMalloc, countedRealloc, countedFree)) {
        std::fprintf(stderr, "openssl-floor: OpenSSL allocated before main\n");
        return 1;
    }
    SSL_CTX *context = SSL_CTX_new(TLS_server_method());
    SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
    SSL_CTX_set_mode(context, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_read_ahead(context, 1);
    SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(context, 1);
    if (SSL_CTX_use_certificate_chain_file(context, argv[1]) != 1
        || SSL_CTX_use_PrivateKey_file(context, argv[2], SSL_FILETYPE_PEM) != 1) {
        std::fprintf(stderr, "openssl-floor: cannot use %s and %s\n", argv[1], argv[2]);
        return 2;
    }

    std::vector<int> fds;
    std::vector<pid_t> children;
    for (int i = 0; i < n; ++i) {
        int pair[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
            return 1;
        const pid_t child = fork();
        if (child == 0) {
            ::close(pair[0]);
            runClient(pair[1]);
        }
        ::close(pair[1]);
        fds.push_back(pair[0]);
        children.push_back(child);
    }

    std::vector<SSL *> sessions;
    size_t base = g_live;
    for (int fd : fds) {
        SSL *ssl = SSL_new(context);
        SSL_set_fd(ssl, fd);
        sessions.push_back(ssl);
    }
    const size_t afterNew = (g_live - base) / size_t(n);
    for (SSL *ssl : sessions) {
        if (SSL_accept(ssl) != 1) {
            std::fprintf(stderr, "openssl-floor: a handshake failed\n");
            return 1;
        }
    }
    const size_t afterHandshake = (g_live - base) / size_t(n);
    static const char line[] = "a broadcast line of some 40 bytes......\n";
    for (int i = 0; i < 10; ++i) {
        for (SSL *ssl : sessions)
            SSL_write(ssl, line, int(sizeof line - 1));
    }
    const size_t afterWrites = (g_live - base) / size_t(n);
    std::printf("mode=openssl-floor sessions=%d openssl=%s ssl_new_bytes=%zu handshake_bytes=%zu after_10_writes_bytes=%zu\n",
                n, OpenSSL_version(OPENSSL_VERSION_STRING), afterNew, afterHandshake, afterWrites);
    for (SSL *ssl : sessions)
        SSL_free(ssl);
    for (int fd : fds)
        ::close(fd);
    int ok = 0;
    for (pid_t child : children) {
        int status = 0;
        waitpid(child, &status, 0);
        ok += WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }
    return ok == n ? 0 : 1;
}
