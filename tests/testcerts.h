// SPDX-License-Identifier: MIT
#pragma once

#include <QDebug>
#include <QFile>
#include <QProcess>
#include <QString>
#include <QStringList>

/**
 * Certificates made at test time with the openssl command, in @p dir:
 * NAME.pem and NAME.key for each CA and each certificate it signs (ECDSA
 * P-256, valid two days). Shared by the TLS suites.
 */
class TestCertificates
{
public:
    explicit TestCertificates(const QString &dir) : m_dir(dir) {}

    QString path(const QString &file) const { return m_dir + u'/' + file; }

    /** Runs openssl in the folder; false, with its stderr as a warning, if it fails. */
    bool openssl(const QStringList &arguments) const
    {
        QProcess p;
        p.setWorkingDirectory(m_dir);
        p.start(QStringLiteral("openssl"), arguments);
        if (!p.waitForFinished(30000) || p.exitCode() != 0) {
            qWarning() << "openssl" << arguments << p.readAllStandardError();
            return false;
        }
        return true;
    }

    /** A self-signed CA, NAME.pem and NAME.key, with the subject CN=@p subject (default: @p name). */
    bool makeCa(const QString &name, const QString &subject = {}) const
    {
        return openssl({ QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                         QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                         QStringLiteral("-keyout"), name + QStringLiteral(".key"), QStringLiteral("-out"),
                         name + QStringLiteral(".pem"), QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                         QStringLiteral("/CN=") + (subject.isEmpty() ? name : subject) });
    }

    /** NAME.pem and NAME.key signed by CA @p ca, with CN=@p subject and the x509v3 @p extensions (one a line). */
    bool makeSigned(const QString &name, const QString &ca, const QString &subject, const QString &extensions) const
    {
        QFile ext(path(name + QStringLiteral(".ext")));
        if (!ext.open(QIODevice::WriteOnly) || ext.write(extensions.toUtf8() + '\n') < 0)
            return false;
        ext.close();
        return openssl({ QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                         QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"), QStringLiteral("-keyout"),
                         name + QStringLiteral(".key"), QStringLiteral("-out"), name + QStringLiteral(".csr"),
                         QStringLiteral("-subj"), QStringLiteral("/CN=") + subject })
                && openssl({ QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), name + QStringLiteral(".csr"),
                             QStringLiteral("-CA"), ca + QStringLiteral(".pem"), QStringLiteral("-CAkey"), ca + QStringLiteral(".key"),
                             QStringLiteral("-CAcreateserial"), QStringLiteral("-out"), name + QStringLiteral(".pem"),
                             QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-extfile"), name + QStringLiteral(".ext") });
    }

    /**
     * What the server suites share: a CA "ca", a "server" certificate it signed for
     * localhost and 127.0.0.1, a client certificate "device" (CN device-1) it signed,
     * and an unrelated CA "other-ca".
     */
    bool makeServerSet() const
    {
        return makeCa(QStringLiteral("ca"))
                && makeSigned(QStringLiteral("server"), QStringLiteral("ca"), QStringLiteral("localhost"),
                              QStringLiteral("subjectAltName=IP:127.0.0.1,DNS:localhost"))
                && makeSigned(QStringLiteral("device"), QStringLiteral("ca"), QStringLiteral("device-1"),
                              QStringLiteral("extendedKeyUsage=clientAuth"))
                && makeCa(QStringLiteral("other-ca"));
    }

private:
    QString m_dir;
};
