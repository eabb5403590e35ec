// SPDX-License-Identifier: MIT
#include "core/addresses.h"

using namespace Qt::Literals::StringLiterals;

namespace {
int hostPrefix(const QHostAddress &address)
{
    return address.protocol() == QAbstractSocket::IPv6Protocol ? 128 : 32;
}
} // namespace

namespace Addresses {

std::optional<QHostAddress> parseBind(const QString &text)
{
    const QString t = text.trimmed().toLower();
    if (t == u"any"_s || t == u"*"_s)
        return QHostAddress(QHostAddress::Any);
    if (t == u"localhost"_s)
        return QHostAddress(QHostAddress::LocalHost);
    QHostAddress address;
    if (!address.setAddress(t))
        return std::nullopt;
    return address;
}

std::optional<Subnet> parseSubnet(const QString &text)
{
    const QString t = text.trimmed();
    if (!t.contains(u'/')) {
        QHostAddress address;
        if (!address.setAddress(t))
            return std::nullopt;
        return Subnet { address, hostPrefix(address) };
    }
    const Subnet subnet = QHostAddress::parseSubnet(t);
    if (subnet.first.isNull())
        return std::nullopt;
    return subnet;
}

QString subnetText(const Subnet &subnet)
{
    if (subnet.second == hostPrefix(subnet.first))
        return subnet.first.toString();
    return u"%1/%2"_s.arg(subnet.first.toString()).arg(subnet.second);
}

QString hostPortText(const QString &host, quint16 port)
{
    const QString shown = QHostAddress(host).protocol() == QAbstractSocket::IPv6Protocol ? u'[' + host + u']' : host;
    return port == 0 ? shown : u"%1:%2"_s.arg(shown).arg(port);
}

QString peerText(const QHostAddress &address, quint16 port)
{
    // Said on every connect and disconnect: IPv4 is formed by hand, without
    // QHostAddress::toString() and the reparse of hostPortText() (a fifth of a
    // connect/close cycle's instructions).
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    if (!isV4 || address.protocol() != QAbstractSocket::IPv4Protocol)
        return hostPortText(address.toString(), port);
    char text[sizeof "255.255.255.255:65535"];
    char *p = text;
    const auto put = [&p](unsigned value) {
        char digits[5];
        int n = 0;
        do {
            digits[n++] = char('0' + value % 10);
            value /= 10;
        } while (value);
        while (n)
            *p++ = digits[--n];
    };
    for (int shift = 24; shift >= 0; shift -= 8) {
        put((v4 >> shift) & 0xff);
        *p++ = shift ? '.' : ':';
    }
    if (port == 0)
        --p;   // no port: no colon
    else
        put(port);
    return QString::fromLatin1(text, p - text);
}

} // namespace Addresses
