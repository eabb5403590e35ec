// SPDX-License-Identifier: MIT
#include "core/tlscontext.h"

#include "core/reasons.h"

#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>

#include <cerrno>
#include <csignal>
#include <cstring>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

using namespace Qt::Literals::StringLiterals;

namespace {

// Names the sessions of this context for resumption; a ticket is only taken back here.
constexpr unsigned char SESSION_ID_CONTEXT[] = "spreadsite";

struct X509Free {
    void operator()(X509 *x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

X509Ptr toX509(const QSslCertificate &certificate)
{
    const QByteArray der = certificate.toDer();
    const auto *data = reinterpret_cast<const unsigned char *>(der.constData());
    return X509Ptr(d2i_X509(nullptr, &data, long(der.size())));
}

EVP_PKEY *toKey(const QSslKey &key)
{
    const QByteArray pem = key.toPem();
    BIO *bio = BIO_new_mem_buf(pem.constData(), int(pem.size()));
    if (!bio)
        return nullptr;
    EVP_PKEY *pkey = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    return pkey;
}

QString openSslText(unsigned long error)
{
    const char *reason = ERR_reason_error_string(error);
    return reason ? QString::fromLatin1(reason) : u"error %1"_s.arg(error, 0, 16);
}

// The socket BIO writes with write(): a peer that is gone must not kill us.
// Qt's network module ignores SIGPIPE too; this keeps it so without Qt's sockets.
void ignoreSigPipe()
{
    struct sigaction current {};
    if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
        struct sigaction ignore {};
        ignore.sa_handler = SIG_IGN;
        sigaction(SIGPIPE, &ignore, nullptr);
    }
}

} // namespace

std::unique_ptr<TlsContext> TlsContext::create(const QSslConfiguration &configuration, QString *error)
{
    clearErrors();
    const auto fail = [error](SSL_CTX *context, const QString &what) -> std::unique_ptr<TlsContext> {
        const unsigned long code = ERR_get_error();
        *error = code ? u"%1: %2"_s.arg(what, openSslText(code)) : what;
        clearErrors();
        SSL_CTX_free(context);
        return nullptr;
    };
    SSL_CTX *context = SSL_CTX_new(TLS_server_method());
    if (!context)
        return fail(nullptr, u"cannot make a TLS context"_s);
    SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
    SSL_CTX_set_options(context, SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    // Buffers only while bytes are in flight; a record may be written from moved-on
    // ranges of the same bytes, and a write may end after any record.
    SSL_CTX_set_mode(context, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE
                             | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    // One read() takes every record the kernel holds, not a header and then a body.
    SSL_CTX_set_read_ahead(context, 1);
    // Resumption by ticket only: nothing per client stays in the server.
    SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(context, 1);
    SSL_CTX_set_timeout(context, TicketLifetimeSeconds);
    SSL_CTX_set_session_id_context(context, SESSION_ID_CONTEXT, sizeof SESSION_ID_CONTEXT - 1);

    const QList<QSslCertificate> chain = configuration.localCertificateChain();
    if (chain.isEmpty())
        return fail(context, u"no certificate"_s);
    X509Ptr leaf = toX509(chain.first());
    if (!leaf || SSL_CTX_use_certificate(context, leaf.get()) != 1)
        return fail(context, u"cannot use the certificate"_s);
    for (qsizetype i = 1; i < chain.size(); ++i) {
        X509Ptr link = toX509(chain.at(i));
        if (!link || SSL_CTX_add1_chain_cert(context, link.get()) != 1)
            return fail(context, u"cannot use the certificate chain"_s);
    }
    EVP_PKEY *key = toKey(configuration.privateKey());
    const bool keyUsed = key && SSL_CTX_use_PrivateKey(context, key) == 1;
    EVP_PKEY_free(key);
    if (!keyUsed)
        return fail(context, u"cannot use the private key"_s);
    if (SSL_CTX_check_private_key(context) != 1)
        return fail(context, u"the private key does not match the certificate"_s);

    if (configuration.peerVerifyMode() == QSslSocket::VerifyPeer) {
        X509_STORE *store = SSL_CTX_get_cert_store(context);
        for (const QSslCertificate &ca : configuration.caCertificates()) {
            X509Ptr x = toX509(ca);
            if (!x || X509_STORE_add_cert(store, x.get()) != 1 || SSL_CTX_add_client_CA(context, x.get()) != 1)
                return fail(context, u"cannot use the CA certificates"_s);
        }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    }
    ignoreSigPipe();
    return std::unique_ptr<TlsContext>(new TlsContext(context));
}

TlsContext::TlsContext(ssl_ctx_st *context)
    : m_context(context)
{
}

TlsContext::~TlsContext()
{
    SSL_CTX_free(m_context);
}

ssl_st *TlsContext::newSession(int fd) const
{
    SSL *ssl = SSL_new(m_context);
    if (!ssl)
        return nullptr;
    if (SSL_set_fd(ssl, fd) != 1) {   // a socket BIO that leaves the descriptor to us
        SSL_free(ssl);
        return nullptr;
    }
    SSL_set_accept_state(ssl);
    return ssl;
}

QString TlsContext::failure(ssl_st *ssl, int result, int errnoValue)
{
    QString why;
    switch (SSL_get_error(ssl, result)) {
    case SSL_ERROR_ZERO_RETURN:
        why = Reasons::ClosedByPeer;
        break;
    case SSL_ERROR_SYSCALL:
        if (const unsigned long code = ERR_peek_error())
            why = openSslText(code);
        else if (errnoValue != 0)
            why = QString::fromLocal8Bit(strerror(errnoValue)).toLower();
        else
            why = Reasons::ClientClosedTheConnection;
        break;
    default: {
        const long verified = SSL_get_verify_result(ssl);
        const unsigned long code = ERR_peek_error();
        if (verified != X509_V_OK)
            why = QString(Reasons::ClientCertificateRefused).arg(QString::fromLatin1(X509_verify_cert_error_string(verified)));
        else if (ERR_GET_LIB(code) == ERR_LIB_SSL && ERR_GET_REASON(code) == SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE)
            why = Reasons::NoClientCertificate;
        else if (code)
            why = openSslText(code);
        else
            why = u"TLS error"_s;
        break;
    }
    }
    clearErrors();
    return why;
}

QString TlsContext::sessionFailure(ssl_st *ssl, int result, int errnoValue)
{
    const bool tlsError = SSL_get_error(ssl, result) == SSL_ERROR_SSL;   // before failure() empties the queue
    const QString why = failure(ssl, result, errnoValue);
    return tlsError ? QString(Reasons::TlsError).arg(why) : why;
}

void TlsContext::clearErrors()
{
    ERR_clear_error();
}
