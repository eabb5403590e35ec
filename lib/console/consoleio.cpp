// SPDX-License-Identifier: MIT
#include "console/options.h"
#include "consoleio.h"

#include "stdinreader.h"

#include "core/displaytext.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QThread>
#include <QTimer>
#include <QSocketNotifier>

#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

bool wantsHeadless(int argc, char **argv)
{
    // --help and --version print and exit: they must work without a display too; --replay runs in the console.
    static const char *const windowless[] = { "--headless", "--help", "-h", "-?", "--help-all", "--version", "-v", "--replay" };
    for (int i = 1; i < argc; ++i) {
        for (const char *option : windowless) {
            if (std::strcmp(argv[i], option) == 0 || (std::strcmp(option, "--replay") == 0 && std::strncmp(argv[i], "--replay=", 9) == 0))
                return true;
        }
    }
    return false;
}

StdinReader::StdinReader(QObject *parent)
    : QObject(parent)
{
    if (fcntl(STDIN_FILENO, F_GETFD) == -1)
        return;   // started with no standard input at all
    m_notifier = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &StdinReader::onReadable);
}

void StdinReader::onReadable()
{
    char buffer[16 * 1024];
    const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (n > 0) {
        const auto status = m_framer.feed(QByteArrayView(buffer, n), [this](QByteArrayView line) {
            emit lineRead(line.toByteArray());
            return true;
        });
        if (status == LineFramer::Status::Overlong)
            std::fprintf(stderr, "input line too long, ignored\n");
        return;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    m_notifier->setEnabled(false);
    m_notifier->deleteLater();
    m_notifier = nullptr;
    if (m_framer.hasPartial())
        emit lineRead(m_framer.takePartial());
    emit finished();
}

namespace Headless {

void useLogBuffer()
{
    if (::isatty(STDOUT_FILENO))
        return;
    static char buffer[LOG_BUFFER_BYTES];
    std::setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
}

void printLine(const QString &line)
{
    printBytes(line.toUtf8() + '\n');
}

void printBytes(QByteArrayView line)
{
    std::fwrite(line.data(), 1, size_t(line.size()), stdout);
    // Written out LOG_FLUSH_MS after the first line that waits, not once per
    // line or per event-loop turn: a server taking one message per wake-up
    // would otherwise pay a system call per message just to log it. A full
    // stdio buffer still goes out on its own, and exit() flushes the rest.
    static QTimer *flush = nullptr;
    static bool flushPending = false;   // flush is started: what isActive() says, without a call per line
    static Qt::HANDLE flushThread = nullptr;
    QCoreApplication *app = QCoreApplication::instance();
    // QThread::currentThreadId() is inline (no thread-data look-up): the check a line costs.
    if (!app || (flush && QThread::currentThreadId() != flushThread) || (!flush && QThread::currentThread() != app->thread())) {
        std::fflush(stdout);
        return;
    }
    if (!flush) {
        flush = new QTimer(app);
        flush->setSingleShot(true);
        flush->setTimerType(Qt::PreciseTimer);
        flush->setInterval(LOG_FLUSH_MS);
        flushThread = QThread::currentThreadId();
        QObject::connect(flush, &QTimer::timeout, app, [] {
            flushPending = false;
            std::fflush(stdout);
        });
    }
    if (!flushPending) {
        flushPending = true;
        flush->start();
    }
}

void printError(const QString &program, const QString &message)
{
    const QByteArray bytes = (program + u": "_s + message + u'\n').toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
}

std::optional<int> finishParse(QCommandLineParser &parser, const QStringList &arguments, const QString &program,
                               QStringList *explicitlySet)
{
    if (!parser.parse(arguments)) {
        printError(program, parser.errorText() + u" (see --help)"_s);
        return ExitUsage;
    }
    if (parser.isSet(u"help"_s) || parser.isSet(u"help-all"_s)) {   // both are windowless (wantsHeadless)
        printLine(parser.helpText().trimmed());
        return ExitOk;
    }
    if (parser.isSet(u"version"_s)) {
        printLine(program + u' ' + QStringLiteral(SPREAD_VERSION));
        return ExitOk;
    }
    if (!parser.positionalArguments().isEmpty()) {
        printError(program, u"unexpected argument: %1 (see --help)"_s.arg(parser.positionalArguments().first()));
        return ExitUsage;
    }
    for (const QString &name : parser.optionNames()) {
        if (name.size() > 1)
            explicitlySet->append(name);
    }
    return std::nullopt;
}

bool intValue(const QCommandLineParser &parser, const QString &name, qint64 min, qint64 max, qint64 *value,
              const QString &program)
{
    if (!parser.isSet(name))
        return true;
    bool ok = false;
    const QString text = parser.value(name);
    const qint64 number = text.toLongLong(&ok);
    if (!ok || number < min || number > max) {
        printError(program, u"bad value for --%1: '%2' (a whole number from %3 to %4)"_s.arg(name, text).arg(min).arg(max));
        return false;
    }
    *value = number;
    return true;
}

void printRules(const RuleRunner &runner)
{
    const QList<Rule> &rules = runner.rules().rules();
    if (rules.isEmpty()) {
        printLine(u"no rules (see --rules)"_s);
        return;
    }
    printLine(u"%1 rules"_s.arg(rules.size()));
    for (qsizetype i = 0; i < rules.size(); ++i) {
        const Rule &rule = rules.at(i);
        printLine(u"%1. %2: %3 %4 -> %5 hits%6"_s.arg(i + 1)
                          .arg(rule.name, Rule::kindName(rule.kind), rule.pattern)
                          .arg(runner.hits().value(i))
                          .arg(rule.enabled ? QString() : u" (off)"_s));
    }
}

std::optional<MessageTemplate> typedTemplate(const QByteArray &line, const Framing &framing,
                                             MessageTemplate::Syntax textSyntax, const QString &program)
{
    QString error;
    const bool hex = framing.isBinary();
    const std::optional<MessageTemplate> message
            = MessageTemplate::parse(QString::fromUtf8(line), hex ? MessageTemplate::Syntax::Hex : textSyntax, &error);
    if (message && !(hex && message->isEmpty()))
        return message;
    if (hex)
        printError(program, u"in %1 framing a typed line is bytes in hexadecimal, such as 00 01 ff {crc16-modbus}%2; "
                            "not sent"_s.arg(framing.spec(), error.isEmpty() ? QString() : u" ("_s + error + u')'));
    else
        printError(program, u"not sent: %1"_s.arg(error));
    return std::nullopt;
}

} // namespace Headless
