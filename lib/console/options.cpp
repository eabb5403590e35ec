// SPDX-License-Identifier: MIT
// The command lines of spread-server and echo-client: parsed here, once, for
// the console programs and the windows alike.
#include "console/options.h"
#include "consoleio.h"

#include "core/addresses.h"
#include "core/displaytext.h"
#include "core/tlsfiles.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <cmath>
#include <utility>

using namespace Qt::Literals::StringLiterals;
using namespace Headless;
using Limits::Limit;

namespace {

/** @p value of @p limit as a user types it: seconds for the interval, K, M or G where the option takes them. */
QString typed(const Limit &limit, qint64 value)
{
    if (limit.unit == Limits::Unit::Seconds)
        return QString::number(double(value) / 1000.0);
    if (limit.byteSuffixes && value != 0) {
        for (const auto &[shift, suffix] : { std::pair { 30, u'G' }, std::pair { 20, u'M' }, std::pair { 10, u'K' } }) {
            if (value % (qint64(1) << shift) == 0)
                return QString::number(value >> shift) + QChar(suffix);
        }
    }
    return QString::number(value);
}

/** The option of @p limit, with its --help line and its default filled in. */
QCommandLineOption limitOption(const Limit &limit, const QString &valueName)
{
    QString help = QString::fromUtf8(limit.help);
    if (help.contains(u"%1"_s))
        help = help.arg(typed(limit, limit.defaultValue));
    return QCommandLineOption(QString::fromLatin1(limit.option), help, valueName);
}

/** Reads the whole-number option of @p limit into @p value if given; false (after an error line) if out of range. */
bool limitValue(const QCommandLineParser &parser, const Limit &limit, qint64 *value, const QString &program)
{
    return intValue(parser, QString::fromLatin1(limit.option), limit.minimum, limit.maximum, value, program);
}

/** @p text as a byte count: a whole number with an optional K, M or G (powers of 1024); -1 if it is not one. */
qint64 byteCount(const QString &text)
{
    static const QRegularExpression pattern(u"^(\\d{1,12})([KMG]?)i?B?$"_s, QRegularExpression::CaseInsensitiveOption);
    const auto match = pattern.match(text.trimmed());
    if (!match.hasMatch())
        return -1;
    const QString unit = match.captured(2).toUpper();
    const int shift = unit == u"K"_s ? 10 : unit == u"M"_s ? 20 : unit == u"G"_s ? 30 : 0;
    return match.captured(1).toLongLong() << shift;
}

/** Reads the byte-count option of @p limit (K, M, G suffixes) into @p value if given; false (after an error line) if bad. */
bool byteLimitValue(const QCommandLineParser &parser, const Limit &limit, qint64 *value, const QString &program)
{
    const QString name = QString::fromLatin1(limit.option);
    if (!parser.isSet(name))
        return true;
    const qint64 bytes = byteCount(parser.value(name));
    if (!Limits::contains(limit, bytes)) {
        printError(program, u"bad value for --%1: '%2' (bytes from %3 to %4; K, M, G suffixes)"_s
                                    .arg(name, parser.value(name), typed(limit, limit.minimum), typed(limit, limit.maximum)));
        return false;
    }
    *value = bytes;
    return true;
}

/** A file option's value, checked to be a readable file (and, for a secret, not empty); nullopt after an error line. */
std::optional<QString> readableFile(const QCommandLineParser &parser, const QString &name, bool secret = false)
{
    const QString path = parser.value(name);
    QFile file(path);
    if (path.isEmpty() || !QFileInfo(path).isFile() || !file.open(QIODevice::ReadOnly)) {
        printError(ServerProgram, u"bad value for --%1: cannot read '%2'%3"_s
                                    .arg(name, path, file.errorString().isEmpty() ? QString() : u" ("_s + file.errorString() + u')'));
        return std::nullopt;
    }
    if (secret && file.readLine(64 * 1024).trimmed().isEmpty()) {
        printError(ServerProgram, u"bad value for --%1: '%2' has nothing on its first line"_s.arg(name, path));
        return std::nullopt;
    }
    return path;
}

/**
 * TLS and credentials to NATS. Files are checked here (exit code 2 if unreadable or empty);
 * the password and token files are read again by ClusterBridge::start(), so the window and
 * the console read secrets in one place and a bridge restarted later sees a changed file.
 * The password itself never comes from the command line, where ps shows it.
 */
std::optional<int> parseClusterSecurity(const QCommandLineParser &parser, ClusterBridge::Settings *cluster)
{
    const auto file = [&](const QString &name, QString *target, bool secret = false) {
        if (!parser.isSet(name))
            return true;
        const auto path = readableFile(parser, name, secret);
        if (path)
            *target = *path;
        return path.has_value();
    };
    if (!file(u"nats-tls-ca"_s, &cluster->tlsCaFile) || !file(u"nats-tls-cert"_s, &cluster->tlsCertFile)
        || !file(u"nats-tls-key"_s, &cluster->tlsKeyFile) || !file(u"nats-password-file"_s, &cluster->passwordFile, true)
        || !file(u"nats-token-file"_s, &cluster->tokenFile, true) || !file(u"nats-creds"_s, &cluster->credsFile)
        || !file(u"nats-nkey-seed"_s, &cluster->nkeySeedFile, true))
        return ExitUsage;
    if (cluster->tlsCertFile.isEmpty() != cluster->tlsKeyFile.isEmpty()) {
        printError(ServerProgram, u"--nats-tls-cert and --nats-tls-key go together"_s);
        return ExitUsage;
    }
    if (parser.isSet(u"nats-user"_s)) {
        cluster->user = parser.value(u"nats-user"_s);
        static const QRegularExpression userPattern(u"^[^\\s\\x00-\\x1f]{1,256}$"_s);
        if (!userPattern.match(cluster->user).hasMatch()) {
            printError(ServerProgram, u"bad value for --nats-user: '%1' (1 to 256 characters, no spaces)"_s.arg(cluster->user));
            return ExitUsage;
        }
        if (cluster->passwordFile.isEmpty()) {
            cluster->password = qgetenv("SPREAD_NATS_PASSWORD");
            if (cluster->password.isEmpty()) {
                printError(ServerProgram, u"--nats-user needs --nats-password-file FILE or the environment variable "
                                          "SPREAD_NATS_PASSWORD (never the password on the command line)"_s);
                return ExitUsage;
            }
        }
    } else if (!cluster->passwordFile.isEmpty()) {
        printError(ServerProgram, u"--nats-password-file needs --nats-user"_s);
        return ExitUsage;
    }
    if (!cluster->user.isEmpty() && !cluster->tokenFile.isEmpty()) {
        printError(ServerProgram, u"--nats-user and --nats-token-file exclude each other"_s);
        return ExitUsage;
    }
    if (!cluster->credsFile.isEmpty() && !cluster->nkeySeedFile.isEmpty()) {
        printError(ServerProgram, u"--nats-creds and --nats-nkey-seed exclude each other"_s);
        return ExitUsage;
    }
    return std::nullopt;
}

std::optional<int> parseClusterOptions(const QCommandLineParser &parser, ClusterBridge::Settings *cluster)
{
    const bool wanted = parser.isSet(u"nats"_s);
    for (const QString &name : { u"domain"_s, u"server-id"_s, u"nats-buffer"_s, u"nats-tls-ca"_s, u"nats-tls-cert"_s,
                                 u"nats-tls-key"_s, u"nats-user"_s, u"nats-password-file"_s, u"nats-token-file"_s,
                                 u"nats-creds"_s, u"nats-nkey-seed"_s }) {
        if (parser.isSet(name) && !wanted) {
            printError(ServerProgram, u"--%1 needs --nats"_s.arg(name));
            return ExitUsage;
        }
    }
    if (!wanted)
        return std::nullopt;
    if (!ClusterBridge::isAvailable()) {
        printError(ServerProgram, u"--nats: this build has no NATS support (rebuild with libnats-dev and -DSPREAD_NATS=ON)"_s);
        return ExitUsage;
    }
    cluster->urls.clear();
    for (const QString &url : parser.values(u"nats"_s).join(u',').split(u',', Qt::SkipEmptyParts)) {
        const QString trimmed = url.trimmed();
        static const QRegularExpression urlPattern(u"^((nats|tls)://)?[^\\s/:]+(:\\d{1,5})?$"_s);
        if (!urlPattern.match(trimmed).hasMatch()) {
            printError(ServerProgram, u"bad value for --nats: '%1' (nats://host:port, comma-separated)"_s.arg(url));
            return ExitUsage;
        }
        cluster->urls.append(trimmed);
    }
    if (cluster->urls.isEmpty()) {
        printError(ServerProgram, u"bad value for --nats: '' (nats://host:port, comma-separated)"_s);
        return ExitUsage;
    }
    if (parser.isSet(u"domain"_s)) {
        cluster->domain = parser.value(u"domain"_s);
        if (!ClusterBridge::isValidDomain(cluster->domain)) {
            printError(ServerProgram, u"bad value for --domain: '%1' (letters, digits, '_' and '-')"_s.arg(cluster->domain));
            return ExitUsage;
        }
    }
    if (parser.isSet(u"server-id"_s)) {
        cluster->serverId = parser.value(u"server-id"_s);
        if (!ClusterBridge::isValidDomain(cluster->serverId)) {   // the same rule: it is a subject token too
            printError(ServerProgram, u"bad value for --server-id: '%1' (letters, digits, '_' and '-')"_s.arg(cluster->serverId));
            return ExitUsage;
        }
    }
    qint64 buffer = cluster->reconnectBufferBytes;
    if (!byteLimitValue(parser, Limits::NatsBufferBytes, &buffer, ServerProgram))
        return ExitUsage;
    cluster->reconnectBufferBytes = buffer;
    return parseClusterSecurity(parser, cluster);
}

/** @p parser with @p description, --help and --version, reading -word as --word: what both programs share. */
void prepareParser(QCommandLineParser &parser, const QString &description)
{
    parser.setApplicationDescription(description);
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.addHelpOption();
    parser.addVersionOption();
}

/** --framing, the same on both programs. */
QCommandLineOption framingOption()
{
    return { u"framing"_s,
             QStringLiteral("How a stream is cut into messages: line (default), delimiter:HEX, fixed:N, "
                            "length:SIZE[,le][,offset=N][,adjust=N] or idle:MS (README, \"Framing\")."),
             u"spec"_s };
}

/** --rules, the same on both programs. */
QCommandLineOption rulesOption()
{
    return { u"rules"_s,
             QStringLiteral("Answer messages by the rules of this JSON file: reply, broadcast, hide, disconnect, tag "
                            "(README, \"Rules\"). Type /rules to see each rule's hits."),
             u"file"_s };
}

/** --rules FILE loaded for @p side; a file that cannot be read or a rule that is wrong is a usage error. */
std::optional<int> parseRules(const QCommandLineParser &parser, const QString &program, RuleSet::Side side,
                              std::optional<RuleSet> *rules)
{
    if (!parser.isSet(u"rules"_s))
        return std::nullopt;
    QString error;
    *rules = RuleSet::load(parser.value(u"rules"_s), side, &error);
    if (!*rules) {
        printError(program, u"bad --rules: %1"_s.arg(error));
        return ExitUsage;
    }
    return std::nullopt;
}

/** --framing, checked against the longest message @p maxMessageBytes. */
std::optional<int> parseFraming(const QCommandLineParser &parser, const QString &program, qsizetype maxMessageBytes, Framing *framing)
{
    if (!parser.isSet(u"framing"_s))
        return std::nullopt;
    QString error;
    const std::optional<Framing> parsed = Framing::parse(parser.value(u"framing"_s), &error);
    if (parsed)
        error = parsed->checkLimit(maxMessageBytes);
    if (!error.isEmpty()) {
        printError(program, u"bad value for --framing: '%1': %2"_s.arg(parser.value(u"framing"_s), error));
        return ExitUsage;
    }
    *framing = *parsed;
    return std::nullopt;
}

// spread-server

/** The description and the options of spread-server, in the order --help lists them. */
void addServerOptions(QCommandLineParser &parser)
{
    prepareParser(parser, QStringLiteral("Broadcast server: greets each client with its number, relays every "
                                                   "line to the other clients, and drops a client that sends \"close\"."));
    // The console programs speak English (README): their help is not translated.
    parser.addOptions({
        { u"headless"_s, QStringLiteral("Run in the console, without a window.") },
        { u"bind"_s,
          QStringLiteral("Address to listen on: an IPv4 or IPv6 address, 'any' (default) or 'localhost'."),
          u"address"_s },
        limitOption(Limits::ServerPort, u"port"_s),
        { u"welcome"_s,
          QStringLiteral("Welcome line; %1 is the client's number; empty sends none. Not sent in the "
                         "fixed and length framings."),
          u"text"_s },
        { u"welcome-hex"_s, QStringLiteral("Welcome each client with these exact bytes instead, in any framing."),
          u"hex"_s },
        framingOption(),
        rulesOption(),
        { u"capture"_s,
          QStringLiteral("Write every client's traffic, both directions, to this capture file: pcapng, or classic "
                         "pcap if it ends in .pcap (open it in Wireshark; README, \"Capture\")."),
          u"file"_s },
        limitOption(Limits::CaptureMaxBytes, u"bytes"_s),
        { u"no-relay"_s,
          QStringLiteral("Log messages only, do not relay them (the seed's monitor mode).") },
        limitOption(Limits::MaxClients, u"n"_s),
        limitOption(Limits::MaxMessageBytes, u"n"_s),
        limitOption(Limits::MaxBacklogBytes, u"n"_s),
        limitOption(Limits::ServerFlushMs, u"ms"_s),
        { u"quiet"_s, QStringLiteral("Do not print messages, only connections.") },
        { u"log-format"_s, QStringLiteral("Output format: text (default) or jsonl."),
          u"format"_s },
        { u"log-file"_s,
          QStringLiteral("Also append the log to this file, in the same format."),
          u"file"_s },
        { u"allow"_s,
          QStringLiteral("Admit only clients from this subnet (CIDR, e.g. 192.168.1.0/24 "
                                                       "or ::1); repeatable."),
          u"cidr"_s },
        limitOption(Limits::MaxPerAddress, u"n"_s),
        { u"tls-cert"_s,
          QStringLiteral("Serve TLS with this PEM certificate (chain); needs --tls-key."),
          u"file"_s },
        { u"tls-key"_s, QStringLiteral("The PEM private key of --tls-cert."), u"file"_s },
        { u"tls-ca"_s,
          QStringLiteral("Require client certificates signed by these PEM CAs (mutual TLS)."),
          u"file"_s },
        limitOption(Limits::MaxHandshakes, u"n"_s),
        { u"nats"_s,
          QStringLiteral("Join a broadcast domain on this NATS cluster: nats://host:port, "
                                                       "comma-separated, nearest first (needs a build with NATS)."),
          u"urls"_s },
        { u"domain"_s,
          QStringLiteral("The broadcast domain to join with --nats (default 'default'; "
                                                       "letters, digits, '_', '-')."),
          u"name"_s },
        { u"server-id"_s,
          QStringLiteral("This server's id in the domain (default: host-port-random, new "
                                                       "each run)."),
          u"id"_s },
        limitOption(Limits::NatsBufferBytes, u"bytes"_s),
        { u"nats-tls-ca"_s,
          QStringLiteral("Verify the NATS nodes against these PEM CAs (turns TLS on; tls:// URLs use the "
                         "system's CAs without it)."),
          u"file"_s },
        { u"nats-tls-cert"_s, QStringLiteral("Present this PEM client certificate to NATS; needs --nats-tls-key."),
          u"file"_s },
        { u"nats-tls-key"_s, QStringLiteral("The PEM private key of --nats-tls-cert."), u"file"_s },
        { u"nats-user"_s,
          QStringLiteral("NATS user name; the password comes from --nats-password-file or SPREAD_NATS_PASSWORD."),
          u"name"_s },
        { u"nats-password-file"_s, QStringLiteral("Read the NATS password from this file's first line."), u"file"_s },
        { u"nats-token-file"_s, QStringLiteral("Authenticate to NATS with the token on this file's first line."),
          u"file"_s },
        { u"nats-creds"_s, QStringLiteral("Authenticate to NATS with this .creds file (JWT and NKey seed)."),
          u"file"_s },
        { u"nats-nkey-seed"_s, QStringLiteral("Authenticate to NATS as the NKey user of the seed in this file."),
          u"file"_s },
    });
}

std::optional<int> parseBind(const QCommandLineParser &parser, QHostAddress *bind)
{
    if (!parser.isSet(u"bind"_s))
        return std::nullopt;
    const auto address = Addresses::parseBind(parser.value(u"bind"_s));
    if (!address) {
        printError(ServerProgram, u"bad value for --bind: '%1' (an IP address, 'any' or 'localhost')"_s.arg(parser.value(u"bind"_s)));
        return ExitUsage;
    }
    *bind = *address;
    return std::nullopt;
}

/** --port and the numeric limits, checked all before any is taken. */
std::optional<int> parseServerLimits(const QCommandLineParser &parser, quint16 *port, SpreadServer::Settings *settings)
{
    qint64 portValue = *port;
    qint64 maxClients = settings->maxClients;
    qint64 maxMessage = settings->maxMessageBytes;
    qint64 maxBacklog = settings->maxBacklogBytes;
    qint64 flushMs = settings->flushDelayMs;
    qint64 maxPerIp = settings->maxPerAddress;   // 0: no limit
    qint64 maxHandshakes = settings->maxHandshakes;
    if (!limitValue(parser, Limits::ServerPort, &portValue, ServerProgram)
        || !limitValue(parser, Limits::MaxClients, &maxClients, ServerProgram)
        || !limitValue(parser, Limits::MaxMessageBytes, &maxMessage, ServerProgram)
        || !limitValue(parser, Limits::MaxBacklogBytes, &maxBacklog, ServerProgram)
        || !limitValue(parser, Limits::ServerFlushMs, &flushMs, ServerProgram)
        || !limitValue(parser, Limits::MaxPerAddress, &maxPerIp, ServerProgram)
        || !limitValue(parser, Limits::MaxHandshakes, &maxHandshakes, ServerProgram))
        return ExitUsage;
    *port = quint16(portValue);
    settings->maxClients = int(maxClients);
    settings->maxMessageBytes = maxMessage;
    settings->maxBacklogBytes = maxBacklog;
    settings->flushDelayMs = int(flushMs);
    settings->maxPerAddress = int(maxPerIp);
    settings->maxHandshakes = int(maxHandshakes);
    return std::nullopt;
}

/** --allow, repeatable: appended to @p allowed. */
std::optional<int> parseAllowed(const QCommandLineParser &parser, QList<Addresses::Subnet> *allowed)
{
    for (const QString &text : parser.values(u"allow"_s)) {
        const auto subnet = Addresses::parseSubnet(text);
        if (!subnet) {
            printError(ServerProgram, u"bad value for --allow: '%1' (an address or a subnet such as 10.0.0.0/8)"_s.arg(text));
            return ExitUsage;
        }
        allowed->append(*subnet);
    }
    return std::nullopt;
}

/** --tls-cert, --tls-key and --tls-ca; @p tls stays null (plain TCP) when none is given. */
std::optional<int> parseServerTls(const QCommandLineParser &parser, QSslConfiguration *tls)
{
    const QString certFile = parser.value(u"tls-cert"_s);
    const QString keyFile = parser.value(u"tls-key"_s);
    const QString caFile = parser.value(u"tls-ca"_s);
    if (certFile.isEmpty() && keyFile.isEmpty() && caFile.isEmpty())
        return std::nullopt;
    if (certFile.isEmpty() || keyFile.isEmpty()) {
        printError(ServerProgram, u"TLS needs both --tls-cert and --tls-key"_s);
        return ExitUsage;
    }
    QString error;
    const auto configuration = TlsFiles::serverConfiguration(certFile, keyFile, caFile, &error);
    if (!configuration) {
        printError(ServerProgram, error);
        return ExitUsage;
    }
    *tls = *configuration;
    return std::nullopt;
}

std::optional<int> parseLogFormat(const QCommandLineParser &parser, Log::Format *logFormat)
{
    if (!parser.isSet(u"log-format"_s))
        return std::nullopt;
    const QString format = parser.value(u"log-format"_s);
    if (format == u"text"_s) {
        *logFormat = Log::Format::Text;
    } else if (format == u"jsonl"_s) {
        *logFormat = Log::Format::JsonLines;
    } else {
        printError(ServerProgram, u"bad value for --log-format: '%1' (text or jsonl)"_s.arg(format));
        return ExitUsage;
    }
    return std::nullopt;
}

// echo-client

/** The description and the options of echo-client, in the order --help lists them. */
void addClientOptions(QCommandLineParser &parser)
{
    prepareParser(parser, QStringLiteral("Chat client: connects to a SpreadSite server, prints what it receives, "
                                                 "sends what you type and, every interval, a message made from a template."));
    // The console programs speak English (README): their help is not translated.
    parser.addOptions({
        { u"headless"_s, QStringLiteral("Run in the console, without a window.") },
        { u"host"_s, QStringLiteral("Server host name or address (default 127.0.0.1)."),
          u"host"_s },
        limitOption(Limits::ClientPort, u"port"_s),
        limitOption(Limits::Interval, u"seconds"_s),
        { u"no-periodic"_s, QStringLiteral("Send no periodic message, only what is typed.") },
        { u"message"_s,
          QStringLiteral("Periodic message template; %1 is the program, %2 the date and "
                                                     "time (default \"hello, I'm %1 %2\")."),
          u"template"_s },
        { u"line-ending"_s,
          QStringLiteral("Line ending added to each message in line framing: lf (default), crlf or none."),
          u"ending"_s },
        framingOption(),
        rulesOption(),
        { u"send-file"_s,
          QStringLiteral("Once connected, send the saved messages of this JSON file in order, with their repeats "
                         "and intervals (README, \"Saved messages\")."),
          u"file"_s },
        limitOption(Limits::Count, u"n"_s),
        { u"reconnect"_s,
          QStringLiteral("Reconnect after a failure or loss, waiting %1 s doubling to %2 s.")
                  .arg(Limits::ReconnectFirstDelayMs / 1000.0)
                  .arg(Limits::ReconnectMaxDelayMs / 1000.0) },
        limitOption(Limits::ClientFlushMs, u"ms"_s),
        { u"tls"_s,
          QStringLiteral("Connect with TLS and verify the server (against the system's CAs, "
                                                     "or --tls-ca).") },
        { u"tls-ca"_s,
          QStringLiteral("Trust only these PEM CA certificates for the server (implies "
                                                     "--tls)."),
          u"file"_s },
        { u"tls-cert"_s,
          QStringLiteral("Present this PEM client certificate (implies --tls; needs "
                                                     "--tls-key)."),
          u"file"_s },
        { u"tls-key"_s, QStringLiteral("The PEM private key of --tls-cert."), u"file"_s },
        { u"replay"_s,
          QStringLiteral("Send what the clients of this capture (pcapng, pcap) or JSON Lines log sent, at the "
                         "recorded times, then exit; in the console, without periodic messages or stdin."),
          u"file"_s },
        { u"speed"_s, QStringLiteral("With --replay: divide the recorded gaps by this (default 1; 0: no gaps)."),
          u"x"_s },
        { u"from-client"_s,
          QStringLiteral("With --replay: the recorded client to replay, repeatable, or 'all', each on its own "
                         "connection (default: the only one in the file)."),
          u"id"_s },
    });
}

/** --replay, --speed and --from-client; the file itself is read by runReplay(). */
std::optional<int> parseReplay(const QCommandLineParser &parser, ClientOptions *options)
{
    if (!parser.isSet(u"replay"_s)) {
        for (const QString &name : { u"speed"_s, u"from-client"_s }) {
            if (parser.isSet(name)) {
                printError(ClientProgram, u"--%1 needs --replay"_s.arg(name));
                return ExitUsage;
            }
        }
        return std::nullopt;
    }
    for (const QString &name : { u"send-file"_s, u"count"_s, u"message"_s, u"interval"_s }) {
        if (parser.isSet(name)) {
            printError(ClientProgram, u"--replay sends what was recorded; it cannot go with --%1"_s.arg(name));
            return ExitUsage;
        }
    }
    options->replayFile = parser.value(u"replay"_s);
    if (options->replayFile.isEmpty()) {
        printError(ClientProgram, u"bad value for --replay: it is empty"_s);
        return ExitUsage;
    }
    if (parser.isSet(u"speed"_s)) {
        bool ok = false;
        const double speed = parser.value(u"speed"_s).toDouble(&ok);
        if (!ok || !std::isfinite(speed) || speed < 0) {
            printError(ClientProgram, u"bad value for --speed: '%1' (a number, 0 or more; 0: as fast as possible)"_s
                                              .arg(parser.value(u"speed"_s)));
            return ExitUsage;
        }
        options->replaySpeed = speed;
    }
    static const QRegularExpression idPattern(u"^[1-9]\\d{0,18}$"_s);
    for (const QString &id : parser.values(u"from-client"_s)) {
        if (id != u"all"_s && !idPattern.match(id).hasMatch()) {
            printError(ClientProgram, u"bad value for --from-client: '%1' (a recorded client's id, or 'all')"_s.arg(id));
            return ExitUsage;
        }
        options->replayClients.append(id);
    }
    options->periodic = false;   // --replay sends the recording and nothing else
    return std::nullopt;
}

std::optional<int> parseHost(const QCommandLineParser &parser, QString *host)
{
    if (!parser.isSet(u"host"_s))
        return std::nullopt;
    *host = parser.value(u"host"_s).trimmed();
    if (host->isEmpty()) {
        printError(ClientProgram, u"bad value for --host: it is empty"_s);
        return ExitUsage;
    }
    return std::nullopt;
}

/** --port, --count and --flush-ms, checked all before any is taken. */
std::optional<int> parseClientLimits(const QCommandLineParser &parser, ClientOptions *options)
{
    qint64 port = options->port;
    qint64 count = options->count;
    qint64 flushMs = options->flushDelayMs;
    if (!limitValue(parser, Limits::ClientPort, &port, ClientProgram) || !limitValue(parser, Limits::Count, &count, ClientProgram)
        || !limitValue(parser, Limits::ClientFlushMs, &flushMs, ClientProgram))
        return ExitUsage;
    options->port = quint16(port);
    options->count = int(count);
    options->flushDelayMs = int(flushMs);
    return std::nullopt;
}

/** --interval: typed in seconds (fractions allowed), kept in ms. */
std::optional<int> parseInterval(const QCommandLineParser &parser, int *intervalMs)
{
    if (!parser.isSet(u"interval"_s))
        return std::nullopt;
    const Limit &interval = Limits::Interval;
    bool ok = false;
    const double seconds = parser.value(u"interval"_s).toDouble(&ok);
    if (!ok || !std::isfinite(seconds) || seconds < interval.minimum / 1000.0 || seconds > interval.maximum / 1000.0) {
        printError(ClientProgram, u"bad value for --interval: '%1' (seconds, from %2 to %3)"_s
                                           .arg(parser.value(u"interval"_s), typed(interval, interval.minimum),
                                                typed(interval, interval.maximum)));
        return ExitUsage;
    }
    *intervalMs = qMax(int(interval.minimum), int(std::lround(seconds * 1000)));
    return std::nullopt;
}

std::optional<int> parseLineEnding(const QCommandLineParser &parser, EchoClient::LineEnding *lineEnding)
{
    if (!parser.isSet(u"line-ending"_s))
        return std::nullopt;
    const QString ending = parser.value(u"line-ending"_s).toLower();
    if (ending == u"lf"_s) {
        *lineEnding = EchoClient::LineEnding::Lf;
    } else if (ending == u"crlf"_s) {
        *lineEnding = EchoClient::LineEnding::CrLf;
    } else if (ending == u"none"_s) {
        *lineEnding = EchoClient::LineEnding::None;
    } else {
        printError(ClientProgram, u"bad value for --line-ending: '%1' (lf, crlf or none)"_s.arg(parser.value(u"line-ending"_s)));
        return ExitUsage;
    }
    return std::nullopt;
}

/** --tls, or any of --tls-ca, --tls-cert and --tls-key, which imply it. */
std::optional<int> parseClientTls(const QCommandLineParser &parser, ClientOptions *options)
{
    const QString caFile = parser.value(u"tls-ca"_s);
    const QString certFile = parser.value(u"tls-cert"_s);
    const QString keyFile = parser.value(u"tls-key"_s);
    options->tls = parser.isSet(u"tls"_s) || !caFile.isEmpty() || !certFile.isEmpty() || !keyFile.isEmpty();
    if (!options->tls)
        return std::nullopt;
    QString error;
    const auto configuration = TlsFiles::clientConfiguration(caFile, certFile, keyFile, &error);
    if (!configuration) {
        printError(ClientProgram, error);
        return ExitUsage;
    }
    options->tlsConfiguration = *configuration;
    return std::nullopt;
}
} // namespace

std::optional<int> parseServerOptions(const QStringList &arguments, ServerOptions *options)
{
    QCommandLineParser parser;
    addServerOptions(parser);
    if (auto exit = finishParse(parser, arguments, ServerProgram, &options->explicitlySet))
        return exit;

    options->headless = parser.isSet(u"headless"_s);
    options->logFile = parser.value(u"log-file"_s);
    options->quiet = parser.isSet(u"quiet"_s);
    options->settings.relay = !parser.isSet(u"no-relay"_s);
    if (parser.isSet(u"welcome"_s))
        options->settings.welcome = parser.value(u"welcome"_s);
    // In this order: the first bad value is the one reported.
    if (auto exit = parseBind(parser, &options->bind))
        return exit;
    if (auto exit = parseServerLimits(parser, &options->port, &options->settings))
        return exit;
    if (auto exit = parseFraming(parser, ServerProgram, options->settings.maxMessageBytes, &options->settings.framing))
        return exit;
    if (parser.isSet(u"welcome-hex"_s)) {
        const auto bytes = DisplayText::parseHex(parser.value(u"welcome-hex"_s));
        if (!bytes || bytes->isEmpty()) {
            printError(ServerProgram, u"bad value for --welcome-hex: '%1' (bytes in hexadecimal, such as 7e0100)"_s
                                              .arg(parser.value(u"welcome-hex"_s)));
            return ExitUsage;
        }
        options->settings.welcomeBytes = *bytes;
    }
    if (auto exit = parseAllowed(parser, &options->settings.allowed))
        return exit;
    if (auto exit = parseServerTls(parser, &options->tls))
        return exit;
    if (auto exit = parseClusterOptions(parser, &options->cluster))
        return exit;
    if (auto exit = parseRules(parser, ServerProgram, RuleSet::Side::Server, &options->rules))
        return exit;
    options->captureFile = parser.value(u"capture"_s);
    if (!byteLimitValue(parser, Limits::CaptureMaxBytes, &options->captureMaxBytes, ServerProgram))
        return ExitUsage;
    return parseLogFormat(parser, &options->logFormat);
}

std::optional<int> parseClientOptions(const QStringList &arguments, ClientOptions *options)
{
    QCommandLineParser parser;
    addClientOptions(parser);
    if (auto exit = finishParse(parser, arguments, ClientProgram, &options->explicitlySet))
        return exit;

    options->headless = parser.isSet(u"headless"_s);
    options->periodic = !parser.isSet(u"no-periodic"_s);
    options->reconnect = parser.isSet(u"reconnect"_s);
    if (parser.isSet(u"message"_s))
        options->messageTemplate = parser.value(u"message"_s);
    // In this order: the first bad value is the one reported.
    if (auto exit = parseHost(parser, &options->host))
        return exit;
    if (auto exit = parseClientLimits(parser, options))
        return exit;
    if (auto exit = parseInterval(parser, &options->intervalMs))
        return exit;
    if (auto exit = parseLineEnding(parser, &options->lineEnding))
        return exit;
    if (auto exit = parseFraming(parser, ClientProgram, Limits::ClientMaxMessageBytes, &options->framing))
        return exit;
    if (auto exit = parseClientTls(parser, options))
        return exit;
    if (auto exit = parseRules(parser, ClientProgram, RuleSet::Side::Client, &options->rules))
        return exit;
    if (auto exit = parseReplay(parser, options))
        return exit;
    if (QString error; !MessageTemplate::parse(options->messageTemplate, MessageTemplate::Syntax::Seed, &error)) {
        printError(ClientProgram, u"bad value for --message: '%1': %2"_s.arg(options->messageTemplate, error));
        return ExitUsage;
    }
    if (parser.isSet(u"send-file"_s)) {
        QString error;
        const auto list = SavedMessages::load(parser.value(u"send-file"_s), MessageTemplate::Syntax::Seed, &error);
        if (!list) {
            printError(ClientProgram, u"bad --send-file: %1"_s.arg(error));
            return ExitUsage;
        }
        options->sendList = *list;
    }
    if (options->count > 0 && !options->periodic) {
        printError(ClientProgram, u"--count counts periodic messages; it cannot go with --no-periodic"_s);
        return ExitUsage;
    }
    return std::nullopt;
}
