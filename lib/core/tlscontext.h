// SPDX-License-Identifier: MIT
#pragma once

#include <QSslConfiguration>
#include <QString>

#include <memory>
#include <optional>

// OpenSSL's types, without its headers in ours.
struct ssl_st;
struct ssl_ctx_st;

/**
 * The server side of TLS for SessionEngine: one OpenSSL context (SSL_CTX)
 * shared by every session, made once from the certificate chain, key and
 * CAs of a QSslConfiguration (TlsFiles reads and checks the files).
 *
 * What a session costs is kept small: buffers are released while a session
 * is idle (SSL_MODE_RELEASE_BUFFERS), nothing is copied per session, and no
 * server-side session cache is kept. Resumption uses TLS session tickets
 * (RFC 8446 and RFC 5077): the client keeps the state, sealed with a key
 * made at start-up and held in memory only, so tickets stay valid for
 * TicketLifetimeSeconds or until the server restarts.
 */
class TlsContext
{
public:
    static constexpr long TicketLifetimeSeconds = 2 * 3600;

    /** The context for @p configuration, or nothing with the reason in @p error. */
    static std::unique_ptr<TlsContext> create(const QSslConfiguration &configuration, QString *error);
    ~TlsContext();
    Q_DISABLE_COPY_MOVE(TlsContext)

    /** A server session on the connected, non-blocking socket @p fd; null if OpenSSL is out of memory. */
    ssl_st *newSession(int fd) const;

    /**
     * Why the OpenSSL call on @p ssl that returned @p result failed, in words
     * for the log ("client certificate refused: ...", "wrong version number");
     * @p errnoValue is errno right after the call. Empties OpenSSL's error queue.
     */
    static QString failure(ssl_st *ssl, int result, int errnoValue);
    /** failure() of an established session: OpenSSL's own errors as "TLS error: ...", a socket's as they are. */
    static QString sessionFailure(ssl_st *ssl, int result, int errnoValue);
    /** Empties the thread's OpenSSL error queue, so that failure() reads only what follows. */
    static void clearErrors();

private:
    explicit TlsContext(ssl_ctx_st *context);

    ssl_ctx_st *m_context;
};
