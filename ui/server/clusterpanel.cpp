// SPDX-License-Identifier: MIT
#include "clusterpanel.h"

#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QRegularExpression>
#include <QTableView>
#include <QVBoxLayout>


#include "server/clusterpeermodel.h"
#include "widgets/limitfield.h"
#include "uitext.h"

using namespace Qt::Literals::StringLiterals;

namespace {
QStringList urlList(const QString &text)
{
    return text.split(QRegularExpression(u"[,;\\s]+"_s), Qt::SkipEmptyParts);
}
} // namespace

ClusterPanel::ClusterPanel(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(u"clusterBox"_s);
    buildForm();
    buildSecurityForm();
    buildStateLabels();
    layOut();
    connectControls();
    if (!ClusterBridge::isAvailable()) {
        // Said where the user looks, on every control, not only in a manual.
        const QString why = UiText::noNatsText();
        for (QWidget *widget : focusChain()) {
            widget->setEnabled(false);
            widget->setToolTip(why);
        }
        m_stateLabel->setToolTip(why);
    }
}

void ClusterPanel::buildForm()
{
    m_natsEdit = new QLineEdit(this);
    m_natsEdit->setObjectName(u"natsEdit"_s);
    m_natsEdit->setPlaceholderText(u"nats://127.0.0.1:4222"_s);
    m_natsEdit->setToolTip(tr("The NATS servers to connect to, separated by commas, e.g. nats://10.0.0.5:4222, "
                              "nats://10.0.0.6:4222; when one fails the next is tried"));
    m_domainEdit = new QLineEdit(this);
    m_domainEdit->setObjectName(u"domainEdit"_s);
    m_domainEdit->setPlaceholderText(u"default"_s);
    m_domainEdit->setToolTip(tr("The broadcast domain: the clients of every server in one domain hear each other. "
                                "Letters, digits, _ and - only; empty: default"));
    m_serverIdEdit = new QLineEdit(this);
    m_serverIdEdit->setObjectName(u"serverIdEdit"_s);
    m_serverIdEdit->setPlaceholderText(tr("automatic"));
    m_serverIdEdit->setToolTip(tr("This server's name in the domain, as the other servers show it; "
                                  "letters, digits, _ and - only; empty: a unique one is made when joining"));
    m_bufferSpin = new QDoubleSpinBox(this);
    m_bufferSpin->setObjectName(u"natsBufferSpin"_s);
    m_bufferSpin->setKeyboardTracking(false);
    LimitField::configure(m_bufferSpin, Limits::NatsBufferBytes,
                          tr("Most bytes of messages kept while no NATS server is reachable; what does not fit is dropped and counted"));
    m_joinButton = new QPushButton(tr("Join cluster"), this);
    m_joinButton->setObjectName(u"joinButton"_s);
    m_joinButton->setToolTip(tr("Join the domain on the NATS servers above, or leave it (F6); "
                                "this server's clients stay connected either way"));
    m_joinButton->setAutoDefault(false);
}

void ClusterPanel::buildSecurityForm()
{
    // For a cluster across machines (README, "Security across machines"): where the
    // certificates and the secrets are. Paths only: a secret is read from its file at
    // each join and never written to the settings.
    const auto pathEdit = [this](const char *name, const QString &toolTip) {
        auto *edit = new QLineEdit(this);
        edit->setObjectName(QString::fromLatin1(name));
        edit->setPlaceholderText(tr("file"));
        edit->setToolTip(toolTip);
        return edit;
    };
    m_caEdit = pathEdit("natsCaEdit", tr("PEM CA certificates the NATS servers are verified against (TLS is then on)"));
    m_certEdit = pathEdit("natsCertEdit", tr("This server's PEM client certificate, for a NATS server that verifies clients"));
    m_keyEdit = pathEdit("natsKeyEdit", tr("The PEM private key of the client certificate"));
    m_userEdit = new QLineEdit(this);
    m_userEdit->setObjectName(u"natsUserEdit"_s);
    m_userEdit->setToolTip(tr("The NATS user name; its password is read from the file below"));
    m_passwordFileEdit = pathEdit("natsPasswordFileEdit", tr("A file whose first line is the NATS user's password"));
    m_tokenFileEdit = pathEdit("natsTokenFileEdit", tr("A file whose first line is a NATS token (instead of a user)"));
    m_credsEdit = pathEdit("natsCredsEdit", tr("A NATS .creds file: a user JWT and its NKey seed"));
    m_seedEdit = pathEdit("natsSeedEdit", tr("A file with an NKey seed and, on the next line, its public key"));
    m_securityButton = new QPushButton(tr("TLS and credentials"), this);
    m_securityButton->setObjectName(u"natsSecurityButton"_s);
    m_securityButton->setCheckable(true);
    m_securityButton->setAutoDefault(false);
    m_securityButton->setToolTip(tr("Show or hide where the NATS certificates and credentials are"));
}

QWidget *ClusterPanel::securityBox()
{
    auto *box = new QWidget(this);
    box->setObjectName(u"natsSecurityBox"_s);
    auto *form = new QFormLayout(box);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("&CA file:"), m_caEdit);
    form->addRow(tr("Cer&tificate:"), m_certEdit);
    form->addRow(tr("&Key:"), m_keyEdit);
    form->addRow(tr("&User:"), m_userEdit);
    form->addRow(tr("&Password file:"), m_passwordFileEdit);
    form->addRow(tr("T&oken file:"), m_tokenFileEdit);
    form->addRow(tr("C&reds file:"), m_credsEdit);
    form->addRow(tr("NKey s&eed:"), m_seedEdit);
    box->hide();
    connect(m_securityButton, &QPushButton::toggled, box, &QWidget::setVisible);
    return box;
}

void ClusterPanel::buildStateLabels()
{
    const auto stateLabel = [this](const char *name, const QString &toolTip) {
        auto *label = new QLabel(this);
        label->setObjectName(QString::fromLatin1(name));
        label->setTextFormat(Qt::PlainText);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        label->setToolTip(toolTip);
        // Long node URLs and reasons must not widen the column: they wrap.
        label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
        label->setWordWrap(true);
        return label;
    };
    m_stateLabel = stateLabel("clusterStateLabel", tr("The bridge to the cluster: Off, Connecting, Connected or Reconnecting"));
    m_nodeLabel = stateLabel("clusterNodeLabel", tr("The NATS server in use"));
    m_trafficLabel = stateLabel("clusterTrafficLabel",
                                tr("Messages of this server's clients published to the domain, and messages of other "
                                   "servers' clients delivered here"));
    m_bufferLabel = stateLabel("clusterBufferLabel",
                               tr("Bytes waiting for the NATS server to come back; messages that did not fit "
                                  "(dropped); messages of other servers that never arrived (gaps)"));
}

void ClusterPanel::layOut()
{
    auto *joinRow = new QHBoxLayout;
    joinRow->addWidget(m_joinButton);
    joinRow->addStretch(1);
    auto *line = new QFrame(this);
    line->setFrameShape(QFrame::HLine);
    line->setFrameShadow(QFrame::Sunken);
    auto *form = new QFormLayout(this);
    form->addRow(tr("&NATS servers:"), m_natsEdit);
    form->addRow(tr("Do&main:"), m_domainEdit);
    form->addRow(tr("Server &id:"), m_serverIdEdit);
    form->addRow(tr("Reconnect &buffer:"), m_bufferSpin);
    m_securityBox = securityBox();
    form->addRow(QString(), m_securityButton);
    form->addRow(m_securityBox);
    form->addRow(QString(), joinRow);
    form->addRow(line);
    form->addRow(tr("State:"), m_stateLabel);
    form->addRow(tr("Node:"), m_nodeLabel);
    form->addRow(tr("Messages:"), m_trafficLabel);
    form->addRow(tr("Buffer:"), m_bufferLabel);
}

void ClusterPanel::connectControls()
{
    connect(m_joinButton, &QPushButton::clicked, this, &ClusterPanel::toggleJoined);
    connect(m_natsEdit, &QLineEdit::returnPressed, this, &ClusterPanel::requestJoin);
    connect(m_natsEdit, &QLineEdit::textEdited, m_natsEdit, [this] { m_natsEdit->setStyleSheet(QString()); });
    const auto markInvalid = [](QLineEdit *edit) {
        return [edit](const QString &text) {
            const QString trimmed = text.trimmed();
            edit->setStyleSheet(trimmed.isEmpty() || ClusterBridge::isValidDomain(trimmed) ? QString() : UiText::problemStyle());
        };
    };
    connect(m_domainEdit, &QLineEdit::textChanged, m_domainEdit, markInvalid(m_domainEdit));
    connect(m_serverIdEdit, &QLineEdit::textChanged, m_serverIdEdit, markInvalid(m_serverIdEdit));
}

QList<QWidget *> ClusterPanel::focusChain() const
{
    return { m_natsEdit,      m_domainEdit, m_serverIdEdit, m_bufferSpin,       m_securityButton, m_caEdit,
             m_certEdit,      m_keyEdit,    m_userEdit,     m_passwordFileEdit, m_tokenFileEdit,  m_credsEdit,
             m_seedEdit,      m_joinButton };
}

ClusterPanel::Fields ClusterPanel::fields() const
{
    Fields fields;
    fields.servers = m_natsEdit->text().trimmed();
    fields.domain = m_domainEdit->text().trimmed();
    fields.serverId = m_serverIdEdit->text().trimmed();
    fields.bufferBytes = qint64(m_bufferSpin->value());
    fields.caFile = m_caEdit->text().trimmed();
    fields.certFile = m_certEdit->text().trimmed();
    fields.keyFile = m_keyEdit->text().trimmed();
    fields.user = m_userEdit->text().trimmed();
    fields.passwordFile = m_passwordFileEdit->text().trimmed();
    fields.tokenFile = m_tokenFileEdit->text().trimmed();
    fields.credsFile = m_credsEdit->text().trimmed();
    fields.nkeySeedFile = m_seedEdit->text().trimmed();
    fields.password = m_password;
    return fields;
}

void ClusterPanel::setFields(const Fields &fields)
{
    m_natsEdit->setText(fields.servers);
    m_natsEdit->setCursorPosition(0);
    m_domainEdit->setText(fields.domain);
    m_serverIdEdit->setText(fields.serverId);
    m_bufferSpin->setValue(double(fields.bufferBytes));
    m_caEdit->setText(fields.caFile);
    m_certEdit->setText(fields.certFile);
    m_keyEdit->setText(fields.keyFile);
    m_userEdit->setText(fields.user);
    m_passwordFileEdit->setText(fields.passwordFile);
    m_tokenFileEdit->setText(fields.tokenFile);
    m_credsEdit->setText(fields.credsFile);
    m_seedEdit->setText(fields.nkeySeedFile);
    m_password = fields.password;
    const bool secured = !(fields.caFile + fields.certFile + fields.user + fields.tokenFile + fields.credsFile
                           + fields.nkeySeedFile).isEmpty();
    m_securityButton->setChecked(secured);   // shown when in use
}

std::optional<ClusterBridge::Settings> ClusterPanel::validatedSettings()
{
    ClusterBridge::Settings settings;
    settings.urls = urlList(m_natsEdit->text());
    if (settings.urls.isEmpty()) {
        m_natsEdit->setStyleSheet(UiText::problemStyle());
        m_natsEdit->setFocus();
        emit statusMessagePosted(tr("Type the NATS servers to join first, e.g. nats://127.0.0.1:4222"));
        return std::nullopt;
    }
    const QString domain = m_domainEdit->text().trimmed();
    if (!domain.isEmpty())
        settings.domain = domain;
    if (!ClusterBridge::isValidDomain(settings.domain)) {
        m_domainEdit->setFocus();
        emit statusMessagePosted(tr("Not a domain name: %1. Use letters, digits, _ and - only.").arg(domain));
        return std::nullopt;
    }
    settings.serverId = m_serverIdEdit->text().trimmed();
    if (!settings.serverId.isEmpty() && !ClusterBridge::isValidDomain(settings.serverId)) {
        m_serverIdEdit->setFocus();
        emit statusMessagePosted(tr("Not a server id: %1. Use letters, digits, _ and - only.").arg(settings.serverId));
        return std::nullopt;
    }
    settings.reconnectBufferBytes = qint64(m_bufferSpin->value());
    const Fields form = fields();
    settings.tlsCaFile = form.caFile;
    settings.tlsCertFile = form.certFile;
    settings.tlsKeyFile = form.keyFile;
    settings.user = form.user;
    settings.passwordFile = form.passwordFile;
    settings.password = form.password;
    settings.tokenFile = form.tokenFile;
    settings.credsFile = form.credsFile;
    settings.nkeySeedFile = form.nkeySeedFile;
    return settings;   // the bridge checks the files when it starts, and says what is wrong
}

void ClusterPanel::toggleJoined()
{
    if (m_state == ClusterBridge::State::Off)
        requestJoin();
    else
        emit leaveRequested();
}

void ClusterPanel::requestJoin()
{
    if (m_state != ClusterBridge::State::Off)
        return;
    if (const auto settings = validatedSettings())
        emit joinRequested(*settings);
}

QString ClusterPanel::stateText(ClusterBridge::State state)
{
    switch (state) {
    case ClusterBridge::State::Off:
        break;
    case ClusterBridge::State::Connecting:
        return tr("Connecting");
    case ClusterBridge::State::Connected:
        return tr("Connected");
    case ClusterBridge::State::Reconnecting:
        return tr("Reconnecting");
    }
    return tr("Off");
}

void ClusterPanel::setState(ClusterBridge::State state)
{
    m_state = state;
    const bool available = ClusterBridge::isAvailable();
    const bool joined = state != ClusterBridge::State::Off;
    for (QWidget *widget : focusChain()) {   // the form is locked while in a cluster
        if (widget != m_joinButton && widget != m_securityButton)
            widget->setEnabled(available && !joined);
    }
    m_joinButton->setText(joined ? tr("Leave cluster") : tr("Join cluster"));
    m_stateLabel->setText(available ? stateText(state) : tr("Not available in this build"));
    m_stateLabel->setStyleSheet(state == ClusterBridge::State::Reconnecting ? UiText::problemStyle() : QString());
}

void ClusterPanel::setStats(const ClusterBridge::Stats &stats)
{
    const QLocale locale;
    m_nodeLabel->setText(stats.connectedUrl.isEmpty() ? tr("none") : stats.connectedUrl);
    m_trafficLabel->setText(tr("%1 published, %2 received").arg(locale.toString(stats.published), locale.toString(stats.received)));
    m_bufferLabel->setText(tr("%1 buffered, %2 dropped, %3 gaps, %4 refused")
                                   .arg(UiText::byteText(stats.bufferedBytes), locale.toString(stats.dropped),
                                        locale.toString(stats.gaps), locale.toString(stats.refused)));
    m_bufferLabel->setStyleSheet(stats.dropped > 0 || stats.gaps > 0 || stats.refused > 0 ? UiText::problemStyle()
                                                                                          : QString());
}

void ClusterPanel::showJoinProblem(const QString &text)
{
    m_stateLabel->setText(text);
    m_stateLabel->setStyleSheet(UiText::problemStyle());
}

ClusterPeersPanel::ClusterPeersPanel(QWidget *parent)
    : QWidget(parent)
    , m_model(new ClusterPeerModel(this))
{
    setObjectName(u"clusterPage"_s);
    m_view = new QTableView(this);
    m_view->setObjectName(u"peerView"_s);
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setAlternatingRowColors(true);
    m_view->setToolTip(tr("The servers of the domain, from their presence messages; this server is in bold"));
    m_totalLabel = new QLabel(this);
    m_totalLabel->setObjectName(u"clusterTotalLabel"_s);
    m_totalLabel->setTextFormat(Qt::PlainText);
    m_totalLabel->setWordWrap(true);
    m_totalLabel->setToolTip(tr("Servers and clients of the whole domain"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_totalLabel);
    connect(m_model, &ClusterPeerModel::totalsChanged, this, &ClusterPeersPanel::updateTotals);
    updateTotals();
}

QString ClusterPeersPanel::title() const
{
    return m_title;
}

void ClusterPeersPanel::setState(ClusterBridge::State state, const QString &domain)
{
    m_joined = state != ClusterBridge::State::Off;
    m_domain = domain;
    updateTotals();
}

void ClusterPeersPanel::setPeers(const QList<ClusterBridge::Peer> &peers)
{
    m_model->setPeers(peers);   // totalsChanged() follows when the totals moved
}

void ClusterPeersPanel::updateTotals()
{
    const int servers = m_model->rowCount();
    if (!ClusterBridge::isAvailable()) {
        m_totalLabel->setText(UiText::noNatsText());
    } else if (!m_joined) {
        m_totalLabel->setText(tr("Not in a cluster. Type the NATS servers in the Cluster tab of the settings and "
                                 "click Join cluster."));
    } else {
        m_totalLabel->setText(tr("Domain %1: %2 servers, %3 clients in all").arg(m_domain).arg(servers).arg(m_model->totalClients()));
    }
    const QString title = m_joined && servers > 0 ? tr("Cluster servers (%1)").arg(servers) : tr("Cluster servers");
    if (title != m_title) {
        m_title = title;
        emit titleChanged(m_title);
    }
}
