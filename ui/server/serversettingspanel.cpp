// SPDX-License-Identifier: MIT
#include "serversettingspanel.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSettings>
#include <QSpinBox>

#include <initializer_list>
#include <optional>

#include "core/addresses.h"
#include "widgets/framingedit.h"
#include "widgets/hexinput.h"
#include "widgets/limitfield.h"
#include "uitext.h"

using namespace Qt::Literals::StringLiterals;

namespace {
/** "10.0.0.0/8, ::1" as subnets; nothing if one of them is not a subnet. */
std::optional<QList<Addresses::Subnet>> parseSubnets(const QString &text)
{
    QList<Addresses::Subnet> subnets;
    const QStringList parts = text.split(QRegularExpression(u"[,;\\s]+"_s), Qt::SkipEmptyParts);
    for (const QString &part : parts) {
        const auto subnet = Addresses::parseSubnet(part);
        if (!subnet)
            return std::nullopt;
        subnets.append(*subnet);
    }
    return subnets;
}

QString subnetsText(const QList<Addresses::Subnet> &subnets)
{
    QStringList parts;
    for (const auto &subnet : subnets)
        parts.append(Addresses::subnetText(subnet));
    return parts.join(u", "_s);
}
} // namespace

QVariant explicitOrSaved(const ServerOptions &options, const QSettings &settings, const QString &option,
                         const QString &key, const QVariant &fromOptions)
{
    return options.explicitlySet.contains(option) ? fromOptions : settings.value(key, fromOptions);
}

ServerSettingsPanel::ServerSettingsPanel(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(u"settingsBox"_s);
    buildControls();
    layOut();
    connectControls();
}

void ServerSettingsPanel::buildControls()
{
    m_relayCheck = new QCheckBox(tr("&Relay each message to the other clients"), this);
    m_relayCheck->setObjectName(u"relayCheck"_s);
    m_relayCheck->setToolTip(tr("Off: messages are only logged, as in the seed's monitor mode"));
    m_welcomeEdit = new QLineEdit(this);
    m_welcomeEdit->setObjectName(u"welcomeEdit"_s);
    m_welcomeEdit->setToolTip(tr("Sent to each client when it connects; %1 is its number; empty sends nothing. Enter applies."));
    m_welcomeHexEdit = new QLineEdit(this);
    m_welcomeHexEdit->setObjectName(u"welcomeHexEdit"_s);
    m_welcomeHexEdit->setPlaceholderText(tr("none: the welcome text"));
    m_welcomeHexEdit->setToolTip(tr("Exact bytes in hexadecimal, such as 01 00 02, sent to each client when it connects instead "
                                    "of the welcome text, in any framing; empty sends the welcome text. Enter applies."));
    m_framingEdit = new FramingEdit(this);
    m_maxClientsSpin = new QSpinBox(this);
    m_maxClientsSpin->setObjectName(u"maxClientsSpin"_s);
    LimitField::configure(m_maxClientsSpin, Limits::MaxClients, tr("Most clients at once; the next one is told \"server full\" and closed"));
    m_maxMessageSpin = new QSpinBox(this);
    m_maxMessageSpin->setObjectName(u"maxMessageSpin"_s);
    LimitField::configure(m_maxMessageSpin, Limits::MaxMessageBytes, tr("Longest message; a client that sends a longer one is dropped"));
    m_maxBacklogSpin = new QDoubleSpinBox(this);
    m_maxBacklogSpin->setObjectName(u"maxBacklogSpin"_s);
    LimitField::configure(m_maxBacklogSpin, Limits::MaxBacklogBytes,
                          tr("Most unsent bytes per client; a client that reads slower is dropped as too slow"));
    m_flushSpin = new QSpinBox(this);
    m_flushSpin->setObjectName(u"flushSpin"_s);
    LimitField::configure(m_flushSpin, Limits::ServerFlushMs,
                          tr("Quiet time after which a line without an ending counts as a message; 0: at once"));
    m_maxPerAddressSpin = new QSpinBox(this);
    m_maxPerAddressSpin->setObjectName(u"maxPerAddressSpin"_s);
    LimitField::configure(m_maxPerAddressSpin, Limits::MaxPerAddress,
                          tr("Most connections from one address; the next one is refused. 0: no limit"));
    m_maxHandshakesSpin = new QSpinBox(this);
    m_maxHandshakesSpin->setObjectName(u"maxHandshakesSpin"_s);
    LimitField::configure(m_maxHandshakesSpin, Limits::MaxHandshakes,
                          tr("With TLS: most handshakes in progress at once; later clients wait their turn"));
    m_allowEdit = new QLineEdit(this);
    m_allowEdit->setObjectName(u"allowEdit"_s);
    m_allowEdit->setPlaceholderText(tr("everyone"));
    m_allowEdit->setToolTip(tr("Admit only clients from these subnets, e.g. 192.168.1.0/24, ::1; empty admits everyone. "
                               "Enter applies."));
    // A typed number applies when it is finished (Enter, focus out), not at every digit.
    for (QAbstractSpinBox *spin : std::initializer_list<QAbstractSpinBox *> { m_maxClientsSpin, m_maxMessageSpin, m_maxBacklogSpin,
                                                                              m_flushSpin, m_maxPerAddressSpin,
                                                                              m_maxHandshakesSpin })
        spin->setKeyboardTracking(false);
}

void ServerSettingsPanel::layOut()
{
    auto *form = new QFormLayout(this);
    form->addRow(m_relayCheck);
    form->addRow(tr("Framin&g:"), m_framingEdit);
    form->addRow(tr("&Welcome:"), m_welcomeEdit);
    form->addRow(tr("Welcome &bytes (hex):"), m_welcomeHexEdit);
    form->addRow(tr("Max &clients:"), m_maxClientsSpin);
    form->addRow(tr("Max &message:"), m_maxMessageSpin);
    form->addRow(tr("Max bac&klog:"), m_maxBacklogSpin);
    form->addRow(tr("&Flush after:"), m_flushSpin);
    form->addRow(tr("Max per &address:"), m_maxPerAddressSpin);
    form->addRow(tr("Max &TLS handshakes:"), m_maxHandshakesSpin);
    form->addRow(tr("Allow &only:"), m_allowEdit);
}

void ServerSettingsPanel::connectControls()
{
    connect(m_relayCheck, &QCheckBox::toggled, this, &ServerSettingsPanel::apply);
    connect(m_welcomeEdit, &QLineEdit::editingFinished, this, &ServerSettingsPanel::apply);
    connect(m_welcomeHexEdit, &QLineEdit::editingFinished, this, &ServerSettingsPanel::apply);
    connect(m_framingEdit, &FramingEdit::framingChanged, this, &ServerSettingsPanel::apply);
    connect(m_maxClientsSpin, &QSpinBox::valueChanged, this, &ServerSettingsPanel::apply);
    connect(m_maxMessageSpin, &QSpinBox::valueChanged, this, &ServerSettingsPanel::apply);
    connect(m_maxBacklogSpin, &QDoubleSpinBox::valueChanged, this, &ServerSettingsPanel::apply);
    connect(m_flushSpin, &QSpinBox::valueChanged, this, &ServerSettingsPanel::apply);
    connect(m_maxPerAddressSpin, &QSpinBox::valueChanged, this, &ServerSettingsPanel::apply);
    connect(m_maxHandshakesSpin, &QSpinBox::valueChanged, this, &ServerSettingsPanel::apply);
    connect(m_allowEdit, &QLineEdit::editingFinished, this, &ServerSettingsPanel::apply);
}

QList<QWidget *> ServerSettingsPanel::focusChain() const
{
    return QList<QWidget *> { m_relayCheck } + m_framingEdit->focusChain()
            + QList<QWidget *> { m_welcomeEdit, m_welcomeHexEdit, m_maxClientsSpin, m_maxMessageSpin, m_maxBacklogSpin,
                                 m_flushSpin, m_maxPerAddressSpin, m_maxHandshakesSpin, m_allowEdit };
}

void ServerSettingsPanel::load(const ServerOptions &options, const QSettings &settings)
{
    const auto pick = [&](const QString &option, const QString &key, const QVariant &fromOptions) {
        return explicitOrSaved(options, settings, option, key, fromOptions);
    };
    const SpreadServer::Settings &s = options.settings;
    m_settings = s;
    const QSignalBlocker b1(m_relayCheck), b2(m_welcomeEdit), b3(m_maxClientsSpin), b4(m_maxMessageSpin),
            b5(m_maxBacklogSpin), b6(m_flushSpin), b7(m_maxPerAddressSpin), b8(m_allowEdit),
            b9(m_maxHandshakesSpin), b10(m_welcomeHexEdit), b11(m_framingEdit);
    m_relayCheck->setChecked(pick(u"no-relay"_s, u"relay"_s, s.relay).toBool());
    m_welcomeEdit->setText(pick(u"welcome"_s, u"welcome"_s, s.welcome).toString());
    m_welcomeEdit->setCursorPosition(0);   // show the start of a long welcome
    m_welcomeHexEdit->setText(pick(u"welcome-hex"_s, u"welcomeHex"_s, QString::fromLatin1(s.welcomeBytes.toHex(' '))).toString());
    m_maxClientsSpin->setValue(pick(u"max-clients"_s, u"maxClients"_s, s.maxClients).toInt());
    m_maxMessageSpin->setValue(int(pick(u"max-message-bytes"_s, u"maxMessageBytes"_s, qint64(s.maxMessageBytes)).toLongLong()));
    // Saved as its SPEC; a saved one that no longer parses gives way to the command line's.
    const auto framing = Framing::parse(pick(u"framing"_s, u"framing"_s, s.framing.spec()).toString());
    m_framingEdit->setMaxMessageBytes(m_maxMessageSpin->value());
    m_framingEdit->setFraming(framing.value_or(s.framing));
    m_maxBacklogSpin->setValue(double(pick(u"max-backlog-bytes"_s, u"maxBacklogBytes"_s, s.maxBacklogBytes).toLongLong()));
    m_flushSpin->setValue(pick(u"flush-ms"_s, u"flushMs"_s, s.flushDelayMs).toInt());
    m_maxPerAddressSpin->setValue(pick(u"max-per-ip"_s, u"maxPerAddress"_s, s.maxPerAddress).toInt());
    m_maxHandshakesSpin->setValue(pick(u"max-handshakes"_s, u"maxHandshakes"_s, s.maxHandshakes).toInt());
    m_allowEdit->setText(pick(u"allow"_s, u"allow"_s, subnetsText(s.allowed)).toString());
    apply();
}

void ServerSettingsPanel::save(QSettings &settings) const
{
    const SpreadServer::Settings &s = m_settings;
    settings.setValue(u"relay"_s, s.relay);
    settings.setValue(u"welcome"_s, s.welcome);
    settings.setValue(u"welcomeHex"_s, QString::fromLatin1(s.welcomeBytes.toHex(' ')));
    settings.setValue(u"framing"_s, s.framing.spec());
    settings.setValue(u"maxClients"_s, s.maxClients);
    settings.setValue(u"maxMessageBytes"_s, qint64(s.maxMessageBytes));
    settings.setValue(u"maxBacklogBytes"_s, s.maxBacklogBytes);
    settings.setValue(u"flushMs"_s, s.flushDelayMs);
    settings.setValue(u"maxPerAddress"_s, s.maxPerAddress);
    settings.setValue(u"maxHandshakes"_s, s.maxHandshakes);
    settings.setValue(u"allow"_s, subnetsText(s.allowed));
}

void ServerSettingsPanel::apply()
{
    m_settings.relay = m_relayCheck->isChecked();
    m_settings.welcome = m_welcomeEdit->text();
    applyWelcomeBytes();
    m_settings.maxClients = m_maxClientsSpin->value();
    applyFraming();
    m_settings.maxBacklogBytes = qint64(m_maxBacklogSpin->value());
    m_settings.flushDelayMs = m_flushSpin->value();
    m_settings.maxPerAddress = m_maxPerAddressSpin->value();
    m_settings.maxHandshakes = m_maxHandshakesSpin->value();
    if (const auto subnets = parseSubnets(m_allowEdit->text())) {
        m_settings.allowed = *subnets;
        m_allowEdit->setStyleSheet(QString());
    } else {
        // The last valid list stays in force.
        m_allowEdit->setStyleSheet(UiText::problemStyle());
        emit statusMessagePosted(tr("Not a subnet list: %1. Use addresses or subnets such as 192.168.1.0/24, separated by commas.")
                                         .arg(m_allowEdit->text()));
    }
    emit settingsChanged(m_settings);
}

void ServerSettingsPanel::applyFraming()
{
    const qsizetype maxMessage = m_maxMessageSpin->value();
    m_framingEdit->setMaxMessageBytes(maxMessage);
    if (m_framingEdit->isValid()) {
        m_settings.framing = m_framingEdit->framing();
        m_settings.maxMessageBytes = maxMessage;
    } else {
        // The framing in force stays, and so does the longest message if the framing no longer fits it.
        if (m_settings.framing.checkLimit(maxMessage).isEmpty())
            m_settings.maxMessageBytes = maxMessage;
        emit statusMessagePosted(tr("Framing not applied: %1").arg(m_framingEdit->problem()));
    }
    // The welcome text is sent only in the text framings; the welcome bytes in any.
    m_welcomeEdit->setEnabled(!m_settings.framing.isBinary());
}

void ServerSettingsPanel::applyWelcomeBytes()
{
    if (const auto bytes = HexInput::parse(m_welcomeHexEdit->text())) {
        m_settings.welcomeBytes = *bytes;
        m_welcomeHexEdit->setStyleSheet(QString());
    } else {
        // The last valid bytes stay in force.
        m_welcomeHexEdit->setStyleSheet(UiText::problemStyle());
        emit statusMessagePosted(tr("Not hexadecimal bytes: %1").arg(m_welcomeHexEdit->text()));
    }
}
