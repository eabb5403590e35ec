// SPDX-License-Identifier: MIT
#include "core/tlsfiles.h"

#include <QCoreApplication>
#include <QFile>
#include <QSslKey>

using namespace Qt::Literals::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("TlsFiles", text);
}

std::optional<QList<QSslCertificate>> readCertificates(const QString &file, QString *error)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = tr("cannot read %1: %2").arg(file, f.errorString());
        return std::nullopt;
    }
    const QList<QSslCertificate> certificates = QSslCertificate::fromData(f.readAll(), QSsl::Pem);
    if (certificates.isEmpty()) {
        *error = tr("no PEM certificate in %1").arg(file);
        return std::nullopt;
    }
    return certificates;
}

std::optional<QSslKey> readKey(const QString &file, QString *error)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = tr("cannot read %1: %2").arg(file, f.errorString());
        return std::nullopt;
    }
    const QByteArray pem = f.readAll();
    for (QSsl::KeyAlgorithm algorithm : { QSsl::Rsa, QSsl::Ec, QSsl::Dsa }) {
        QSslKey key(pem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            return key;
    }
    *error = tr("no unencrypted PEM private key in %1").arg(file);
    return std::nullopt;
}

bool addIdentity(QSslConfiguration &configuration, const QString &certFile, const QString &keyFile, QString *error)
{
    const auto chain = readCertificates(certFile, error);
    if (!chain)
        return false;
    const auto key = readKey(keyFile, error);
    if (!key)
        return false;
    configuration.setLocalCertificateChain(*chain);
    configuration.setPrivateKey(*key);
    return true;
}

} // namespace

namespace TlsFiles {

std::optional<QSslConfiguration> serverConfiguration(const QString &certFile, const QString &keyFile,
                                                     const QString &caFile, QString *error)
{
    if (!QSslSocket::supportsSsl()) {
        *error = tr("TLS is not available: no TLS backend");
        return std::nullopt;
    }
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    if (!addIdentity(configuration, certFile, keyFile, error))
        return std::nullopt;
    if (caFile.isEmpty()) {
        configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
    } else {
        const auto cas = readCertificates(caFile, error);
        if (!cas)
            return std::nullopt;
        configuration.setCaCertificates(*cas);
        configuration.setPeerVerifyMode(QSslSocket::VerifyPeer);
    }
    return configuration;
}

std::optional<QSslConfiguration> clientConfiguration(const QString &caFile, const QString &certFile,
                                                     const QString &keyFile, QString *error)
{
    if (!QSslSocket::supportsSsl()) {
        *error = tr("TLS is not available: no TLS backend");
        return std::nullopt;
    }
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setPeerVerifyMode(QSslSocket::VerifyPeer);
    if (!caFile.isEmpty()) {
        const auto cas = readCertificates(caFile, error);
        if (!cas)
            return std::nullopt;
        configuration.setCaCertificates(*cas);   // only these: not the system's store
    }
    if (!certFile.isEmpty() || !keyFile.isEmpty()) {
        if (certFile.isEmpty() || keyFile.isEmpty()) {
            *error = tr("a client certificate needs both --tls-cert and --tls-key");
            return std::nullopt;
        }
        if (!addIdentity(configuration, certFile, keyFile, error))
            return std::nullopt;
    }
    return configuration;
}

} // namespace TlsFiles
