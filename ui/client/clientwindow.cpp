// SPDX-License-Identifier: MIT
#include "client/clientwindow.h"

#include <cmath>

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStatusBar>
#include <QVBoxLayout>

#include "widgets/framingedit.h"
#include "core/addresses.h"
#include "widgets/limitfield.h"
#include "uitext.h"
#include "logview/logmodel.h"
#include "logview/logpanel.h"
#include "rules/rulerunner.h"
#include "rules/rulespanel.h"
#include "saved/savedmessagespanel.h"

using namespace Qt::Literals::StringLiterals;

namespace {
constexpr int STATUS_TIMEOUT_MS = 8000;
const QString GROUP = u"client"_s;

QString endingKey(EchoClient::LineEnding ending)
{
    switch (ending) {
    case EchoClient::LineEnding::CrLf:
        return u"crlf"_s;
    case EchoClient::LineEnding::None:
        return u"none"_s;
    case EchoClient::LineEnding::Lf:
        break;
    }
    return u"lf"_s;
}

EchoClient::LineEnding endingFromKey(const QString &key)
{
    if (key == u"crlf"_s)
        return EchoClient::LineEnding::CrLf;
    if (key == u"none"_s)
        return EchoClient::LineEnding::None;
    return EchoClient::LineEnding::Lf;
}
} // namespace

ClientWindow::ClientWindow(const ClientOptions &options, QWidget *parent)
    : QMainWindow(parent)
    , m_client(new EchoClient(this))
{
    setObjectName(u"clientWindow"_s);
    QSettings settings;
    m_log = new LogModel(this);
    m_clientLog = new ClientLog(m_client, this);
    // The rules answer through the client's own sending, so ClientLog logs what they send; their problems are the client's.
    m_ruleRunner = new RuleRunner(m_client, this);
    connect(m_ruleRunner, &RuleRunner::warning, m_clientLog, &ClientLog::warn);
    m_log->setCapacity(settings.value(u"log/capacity"_s, qint64(LogModel::DefaultCapacity)).toLongLong());
    m_client->setFlushDelay(options.flushDelayMs);
    m_client->setTlsConfiguration(options.tlsConfiguration);
    m_tlsConfiguration = options.tlsConfiguration;
    m_periodicLimit = options.count;

    buildUi();
    buildMenus();
    loadSettings(options);
    connectClient();
    updateState();
    updateCounters();
    m_composeEdit->setFocus();
}

ClientWindow::~ClientWindow()
{
    m_client->disconnect(this);
}

ClientWindow *ClientWindow::openNew(const ClientOptions &options)
{
    auto *window = new ClientWindow(options);
    window->setAttribute(Qt::WA_DeleteOnClose);
    window->show();
    return window;
}

void ClientWindow::buildUi()
{
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->addLayout(buildConnectBar(central));
    layout->addLayout(buildFramingBar(central));
    layout->addWidget(buildStatusLine(central));
    layout->addWidget(buildLogBox(central), 1);
    layout->addWidget(buildPeriodicBox(central));
    setCentralWidget(central);
    buildRulesDock();
    buildSavedDock();
    // One column beside the log for both, as tabs: two docks side by side would squeeze it.
    tabifyDockWidget(m_rulesDock, m_savedDock);
    buildReplayDock();
    buildStatusBar();
    setTabOrders();
    connectControls();
    resize(820, 600);
}

QLayout *ClientWindow::buildConnectBar(QWidget *central)
{
    m_hostEdit = new QLineEdit(central);
    m_hostEdit->setObjectName(u"hostEdit"_s);
    m_hostEdit->setToolTip(tr("The server's host name or address"));
    m_hostEdit->setPlaceholderText(tr("host or address"));
    m_portSpin = new QSpinBox(central);
    m_portSpin->setObjectName(u"portSpin"_s);
    LimitField::configure(m_portSpin, Limits::ClientPort, tr("The server's TCP port"));
    m_connectButton = new QPushButton(tr("Connect"), central);
    m_connectButton->setObjectName(u"connectButton"_s);
    m_connectButton->setAutoDefault(false);
    m_connectButton->setToolTip(tr("Connect; while connecting, cancel; once connected, disconnect (F5)"));
    m_reconnectCheck = new QCheckBox(tr("Auto-&reconnect"), central);
    m_reconnectCheck->setObjectName(u"reconnectCheck"_s);
    m_reconnectCheck->setToolTip(tr("After a failure or a lost connection, try again: 1 s, doubling up to 30 s"));
    m_tlsCheck = new QCheckBox(tr("&TLS"), central);
    m_tlsCheck->setObjectName(u"tlsCheck"_s);
    m_tlsCheck->setToolTip(tr("Connect with TLS and verify the server's certificate (the system's CAs, or --tls-ca)"));
    auto *hostLabel = new QLabel(tr("&Host:"), central);
    hostLabel->setBuddy(m_hostEdit);
    auto *portLabel = new QLabel(tr("&Port:"), central);
    portLabel->setBuddy(m_portSpin);
    auto *connectBar = new QHBoxLayout;
    connectBar->addWidget(hostLabel);
    connectBar->addWidget(m_hostEdit, 1);
    connectBar->addWidget(portLabel);
    connectBar->addWidget(m_portSpin);
    connectBar->addWidget(m_tlsCheck);
    connectBar->addWidget(m_connectButton);
    connectBar->addWidget(m_reconnectCheck);
    return connectBar;
}

QLayout *ClientWindow::buildFramingBar(QWidget *central)
{
    m_framingEdit = new FramingEdit(central);
    m_framingEdit->setMaxMessageBytes(Limits::ClientMaxMessageBytes);   // the window's client keeps lib's limit
    auto *label = new QLabel(tr("Framin&g:"), central);
    label->setBuddy(m_framingEdit);
    auto *bar = new QHBoxLayout;
    bar->addWidget(label, 0, Qt::AlignTop | Qt::AlignLeft);
    bar->addWidget(m_framingEdit, 1);
    // The label sits on the kind combo's line, however tall the fields below it are.
    label->setMinimumHeight(m_framingEdit->kindCombo()->sizeHint().height());
    return bar;
}

QWidget *ClientWindow::buildStatusLine(QWidget *central)
{
    m_statusLabel = new QLabel(central);
    m_statusLabel->setObjectName(u"statusLabel"_s);
    m_statusLabel->setTextFormat(Qt::PlainText);
    m_statusLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_statusLabel->setToolTip(tr("What happened to the connection last"));
    m_statusLabel->setFrameShape(QFrame::StyledPanel);
    m_statusLabel->setMargin(4);
    m_statusLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    return m_statusLabel;
}

QWidget *ClientWindow::buildLogBox(QWidget *central)
{
    auto *logBox = new QGroupBox(tr("Messages"), central);
    logBox->setObjectName(u"logBox"_s);
    m_logPanel = new LogPanel(m_log, logBox);
    m_logPanel->setObjectName(u"logPanel"_s);
    m_logPanel->setClientFilterVisible(false);
    m_composeEdit = new QLineEdit(logBox);
    m_composeEdit->setObjectName(u"composeEdit"_s);
    m_composeEdit->setPlaceholderText(tr("Message; Enter sends"));
    m_composeEdit->setToolTip(tr("A line to send to the server, with the line ending chosen beside it. Enter sends."));
    m_composeHexCheck = new QCheckBox(tr("He&x"), logBox);
    m_composeHexCheck->setObjectName(u"composeHexCheck"_s);
    m_composeHexCheck->setToolTip(tr("Read the line as hexadecimal bytes, e.g. 48 65 6c 6c 6f"));
    m_lineEndingCombo = new QComboBox(logBox);
    m_lineEndingCombo->setObjectName(u"lineEndingCombo"_s);
    m_lineEndingCombo->addItem(tr("LF (\\n)"), u"lf"_s);
    m_lineEndingCombo->addItem(tr("CRLF (\\r\\n)"), u"crlf"_s);
    m_lineEndingCombo->addItem(tr("No ending"), u"none"_s);
    m_lineEndingCombo->setToolTip(tr("What ends each message sent, typed or periodic, in line framing"));
    m_sendButton = new QPushButton(tr("&Send"), logBox);
    m_sendButton->setObjectName(u"sendButton"_s);
    m_sendButton->setIcon(style()->standardIcon(QStyle::SP_ArrowRight));
    m_sendButton->setAutoDefault(false);
    m_sendButton->setToolTip(tr("Send the line (Enter)"));
    m_composeProblemLabel = UiText::problemLabel(logBox, u"composeProblemLabel"_s);
    auto *composeBar = new QHBoxLayout;
    composeBar->addWidget(m_composeEdit, 1);
    composeBar->addWidget(m_composeHexCheck);
    composeBar->addWidget(m_lineEndingCombo);
    composeBar->addWidget(m_sendButton);
    auto *logLayout = new QVBoxLayout(logBox);
    logLayout->addWidget(m_logPanel, 1);
    logLayout->addLayout(composeBar);
    logLayout->addWidget(m_composeProblemLabel);
    return logBox;
}

QWidget *ClientWindow::buildPeriodicBox(QWidget *central)
{
    auto *periodicBox = new QGroupBox(tr("Periodic message"), central);
    periodicBox->setObjectName(u"periodicBox"_s);
    m_periodicCheck = new QCheckBox(tr("Send &every"), periodicBox);
    m_periodicCheck->setObjectName(u"periodicCheck"_s);
    m_periodicCheck->setToolTip(tr("Send the template every interval while connected, as the seed's client does"));
    m_intervalSpin = new QDoubleSpinBox(periodicBox);
    m_intervalSpin->setObjectName(u"intervalSpin"_s);
    m_intervalSpin->setKeyboardTracking(false);
    LimitField::configure(m_intervalSpin, Limits::Interval, tr("Seconds between periodic messages"));
    m_templateEdit = new QLineEdit(periodicBox);
    m_templateEdit->setObjectName(u"templateEdit"_s);
    m_templateEdit->setToolTip(tr("The periodic message: %1 is the program name, %2 the date and time"));
    m_sentLabel = new QLabel(periodicBox);
    m_sentLabel->setObjectName(u"sentLabel"_s);
    m_sentLabel->setTextFormat(Qt::PlainText);
    m_sentLabel->setToolTip(tr("Periodic messages sent since the box was ticked"));
    auto *templateLabel = new QLabel(tr("&Template:"), periodicBox);
    templateLabel->setBuddy(m_templateEdit);
    m_templateProblemLabel = UiText::problemLabel(periodicBox, u"templateProblemLabel"_s);
    auto *periodicLayout = new QHBoxLayout;
    periodicLayout->addWidget(m_periodicCheck);
    periodicLayout->addWidget(m_intervalSpin);
    periodicLayout->addSpacing(8);
    periodicLayout->addWidget(templateLabel);
    periodicLayout->addWidget(m_templateEdit, 1);
    periodicLayout->addWidget(m_sentLabel);
    auto *periodicBoxLayout = new QVBoxLayout(periodicBox);
    periodicBoxLayout->addLayout(periodicLayout);
    periodicBoxLayout->addWidget(m_templateProblemLabel);
    return periodicBox;
}

void ClientWindow::buildSavedDock()
{
    m_savedDock = new QDockWidget(tr("Saved messages"), this);
    m_savedDock->setObjectName(u"savedMessagesDock"_s);
    m_savedDock->setAllowedAreas(Qt::LeftDockWidgetArea | Qt::RightDockWidgetArea | Qt::BottomDockWidgetArea);
    m_savedPanel = new SavedMessagesPanel(MessageTemplate::Syntax::Seed, m_savedDock);
    m_savedPanel->setCheck([](const MessageTemplate &message) { return message.usesClient() ? MessageTemplate::noClientHere() : QString(); });
    m_savedPanel->setSend([this](const MessageTemplate &message, quint64 sequence) { return sendSaved(message, sequence); });
    m_savedDock->setWidget(m_savedPanel);
    addDockWidget(Qt::RightDockWidgetArea, m_savedDock);
    m_savedDock->hide();   // shown when there are saved messages, or from View → Saved messages
    connect(m_savedPanel, &SavedMessagesPanel::statusMessagePosted, this, &ClientWindow::showStatus);
    // Saved as they are edited, like the rules: work one does not want to lose to a crash.
    connect(m_savedPanel, &SavedMessagesPanel::messagesChanged, this, [this] {
        QSettings settings;
        settings.beginGroup(GROUP);
        settings.setValue(u"savedMessages"_s, QString::fromUtf8(m_savedPanel->toJson()));
    });
}

void ClientWindow::buildReplayDock()
{
    m_replayDock = new QDockWidget(tr("Replay"), this);
    m_replayDock->setObjectName(u"replayDock"_s);
    m_replayDock->setAllowedAreas(Qt::LeftDockWidgetArea | Qt::RightDockWidgetArea | Qt::BottomDockWidgetArea);
    m_replayPanel = new ReplayPanel(m_replayDock);
    // Its own connections, to the server of the controls as they are when Start is clicked.
    m_replayPanel->setTarget([this] {
        ReplayPanel::Target target;
        target.host = m_hostEdit->text().trimmed();
        target.port = quint16(m_portSpin->value());
        target.connection.framing = m_client->framing();
        target.connection.lineEnding = m_client->lineEnding();
        target.connection.tls = m_tlsCheck->isChecked();
        target.connection.tlsConfiguration = m_tlsConfiguration;
        return target;
    });
    m_replayDock->setWidget(m_replayPanel);
    addDockWidget(Qt::BottomDockWidgetArea, m_replayDock);
    m_replayDock->hide();   // shown from File → Replay a file...
    connect(m_replayPanel, &ReplayPanel::statusMessagePosted, this, &ClientWindow::showStatus);
}

void ClientWindow::showReplayDock()
{
    if (!m_replayDock->isVisible() && !isMaximized() && !isFullScreen())
        resize(width(), height() + m_replayDock->sizeHint().height());
    m_replayDock->show();
    m_replayDock->raise();
}

bool ClientWindow::startReplay(const QString &fileName, double speed, const QList<quint64> &clients)
{
    showReplayDock();
    if (!m_replayPanel->openFile(fileName))
        return false;
    m_replayPanel->setSpeed(speed);
    return clients.isEmpty() ? m_replayPanel->start() : m_replayPanel->start(clients);
}

void ClientWindow::buildRulesDock()
{
    m_rulesDock = new QDockWidget(tr("Rules"), this);
    m_rulesDock->setObjectName(u"rulesDock"_s);
    m_rulesDock->setAllowedAreas(Qt::LeftDockWidgetArea | Qt::RightDockWidgetArea | Qt::BottomDockWidgetArea);
    m_rulesPanel = new RulesPanel(m_ruleRunner, RuleSet::Side::Client, m_rulesDock);
    m_rulesDock->setWidget(m_rulesPanel);
    addDockWidget(Qt::RightDockWidgetArea, m_rulesDock);
    m_rulesDock->hide();   // shown when there are rules, or from View → Rules
    connect(m_rulesPanel, &RulesPanel::statusMessagePosted, this, &ClientWindow::showStatus);
    // Saved as soon as they run: the rules are work one does not want to lose to a crash.
    connect(m_rulesPanel, &RulesPanel::rulesApplied, this, [this] {
        QSettings settings;
        settings.beginGroup(GROUP);
        m_rulesPanel->save(settings);
    });
}

void ClientWindow::buildStatusBar()
{
    m_statusState = new QLabel(this);
    m_statusState->setObjectName(u"statusState"_s);
    m_statusState->setTextFormat(Qt::PlainText);
    m_statusState->setToolTip(tr("Connection state"));
    m_statusCounters = new QLabel(this);
    m_statusCounters->setObjectName(u"statusCounters"_s);
    m_statusCounters->setTextFormat(Qt::PlainText);
    m_statusCounters->setToolTip(tr("Messages received from and sent to the server by this window"));
    statusBar()->addPermanentWidget(m_statusState);
    statusBar()->addPermanentWidget(m_statusCounters);
}

void ClientWindow::setTabOrders()
{
    QWidget::setTabOrder(m_hostEdit, m_portSpin);
    QWidget::setTabOrder(m_portSpin, m_tlsCheck);
    QWidget::setTabOrder(m_tlsCheck, m_connectButton);
    QWidget::setTabOrder(m_connectButton, m_reconnectCheck);
    QWidget *previous = m_reconnectCheck;
    for (QWidget *next : m_framingEdit->focusChain()) {
        QWidget::setTabOrder(previous, next);
        previous = next;
    }
    QWidget::setTabOrder(previous, m_logPanel->filterEdit());
    QWidget::setTabOrder(m_logPanel->view(), m_composeEdit);
    QWidget::setTabOrder(m_composeEdit, m_composeHexCheck);
    QWidget::setTabOrder(m_composeHexCheck, m_lineEndingCombo);
    QWidget::setTabOrder(m_lineEndingCombo, m_sendButton);
    QWidget::setTabOrder(m_sendButton, m_periodicCheck);
    QWidget::setTabOrder(m_periodicCheck, m_intervalSpin);
    QWidget::setTabOrder(m_intervalSpin, m_templateEdit);
}

void ClientWindow::connectControls()
{
    connect(m_connectButton, &QPushButton::clicked, this, &ClientWindow::onButtonClicked);
    connect(m_hostEdit, &QLineEdit::returnPressed, this, &ClientWindow::connectToServer);
    connect(m_sendButton, &QPushButton::clicked, this, &ClientWindow::sendComposed);
    connect(m_composeEdit, &QLineEdit::returnPressed, this, &ClientWindow::sendComposed);
    connect(m_reconnectCheck, &QCheckBox::toggled, m_client, &EchoClient::setAutoReconnect);
    connect(m_tlsCheck, &QCheckBox::toggled, m_client, &EchoClient::setTlsEnabled);
    connect(m_lineEndingCombo, &QComboBox::currentIndexChanged, this, [this] {
        m_client->setLineEnding(endingFromKey(m_lineEndingCombo->currentData().toString()));
    });
    connect(m_periodicCheck, &QCheckBox::toggled, this, [this](bool on) {
        if (on)
            m_client->resetPeriodicSent();
        m_client->setPeriodicEnabled(on);
        updateCounters();
    });
    connect(m_intervalSpin, &QDoubleSpinBox::valueChanged, this, [this](double seconds) {
        m_client->setInterval(qMax(1, int(std::lround(seconds * 1000))));
    });
    connect(m_templateEdit, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_client->setMessageTemplate(text);
        // Said as it is typed: a template that cannot expand sends no periodic message.
        const QString error = m_client->templateError();
        m_templateProblemLabel->setText(error.isEmpty() ? QString() : tr("No periodic message: %1").arg(error));
        m_templateProblemLabel->setVisible(!error.isEmpty());
    });
    connect(m_framingEdit, &FramingEdit::framingChanged, this, &ClientWindow::applyFraming);
    // A template that cannot expand is said as it is typed; Enter then sends nothing.
    const auto checkCompose = [this] {
        QString why;
        showComposeProblem(m_composeEdit->text().isEmpty() || composedTemplate(&why) ? QString() : UiText::notSentBecause(why));
    };
    connect(m_composeEdit, &QLineEdit::textChanged, this, checkCompose);
    connect(m_composeHexCheck, &QCheckBox::toggled, this, checkCompose);
    connect(m_logPanel, &LogPanel::statusMessagePosted, this, &ClientWindow::showStatus);
}

void ClientWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *newWindow = file->addAction(tr("&New client window"), this, &ClientWindow::openNewWindow);
    newWindow->setObjectName(u"newClientAction"_s);
    newWindow->setShortcut(QKeySequence::New);
    m_logPanel->addFileActions(file);
    QAction *replay = file->addAction(tr("&Replay a file..."), this, [this] {
        showReplayDock();
        if (m_replayPanel->fileName().isEmpty())
            m_replayPanel->chooseFile();
    });
    replay->setObjectName(u"replayAction"_s);
    replay->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    replay->setToolTip(tr("Send what the clients of a capture or a log sent, to the server of the controls, on connections of its own"));
    file->addSeparator();
    QAction *close = file->addAction(tr("&Close window"), this, &QWidget::close);
    close->setShortcut(QKeySequence::Close);
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    m_logPanel->addEditActions(menuBar()->addMenu(tr("&Edit")));

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *rules = m_rulesDock->toggleViewAction();
    rules->setObjectName(u"rulesAction"_s);
    rules->setText(tr("&Rules"));
    rules->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    rules->setToolTip(tr("Show or hide the rules: what the client answers on its own"));
    view->addAction(rules);
    QAction *saved = m_savedDock->toggleViewAction();
    saved->setObjectName(u"savedMessagesAction"_s);
    saved->setText(tr("&Saved messages"));
    saved->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));
    saved->setToolTip(tr("Show or hide the saved messages: named messages sent with a click or Ctrl+1 … Ctrl+9"));
    view->addAction(saved);
    // Opened beside the log, a dock widens the window rather than squeezing the compose line
    // (once: the two share a column, as tabs), and comes to the front.
    for (auto [dock, other] : { std::pair { m_rulesDock, m_savedDock }, std::pair { m_savedDock, m_rulesDock } }) {
        connect(dock->toggleViewAction(), &QAction::triggered, this, [this, dock, other](bool shown) {
            if (!shown)
                return;
            if (!other->isVisible() && !isMaximized() && !isFullScreen())
                resize(width() + dock->sizeHint().width(), height());
            dock->raise();
        });
    }

    QMenu *connection = menuBar()->addMenu(tr("&Connection"));
    QAction *toggle = connection->addAction(tr("&Connect / Disconnect"));
    toggle->setObjectName(u"connectAction"_s);
    toggle->setShortcut(QKeySequence(Qt::Key_F5));
    connect(toggle, &QAction::triggered, m_connectButton, &QPushButton::click);
    connection->addSeparator();
    m_savedPanel->addSendActions(connection->addMenu(tr("Send sa&ved message")));

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About"), this, [this] {
        QMessageBox::about(this, tr("About SpreadSite"),
                           tr("<h3>SpreadSite client %1</h3><p>A chat client for a SpreadSite server: it prints what it "
                              "receives, sends what you type and, every interval, a message made from a template.</p>"
                              "<p>The same client runs in a console with <tt>--headless</tt>.</p>")
                                   .arg(QCoreApplication::applicationVersion().toHtmlEscaped()));
    });
}

void ClientWindow::loadSettings(const ClientOptions &options)
{
    QSettings settings;
    settings.beginGroup(GROUP);
    const auto pick = [&](const QString &option, const QString &key, const QVariant &fromOptions) {
        return options.explicitlySet.contains(option) ? fromOptions : settings.value(key, fromOptions);
    };
    m_hostEdit->setText(pick(u"host"_s, u"host"_s, options.host).toString());
    m_portSpin->setValue(pick(u"port"_s, u"port"_s, options.port).toInt());
    const int intervalMs = pick(u"interval"_s, u"intervalMs"_s, options.intervalMs).toInt();
    m_intervalSpin->setValue(intervalMs / 1000.0);
    m_client->setInterval(qMax(1, intervalMs));
    m_templateEdit->setText(pick(u"message"_s, u"template"_s, options.messageTemplate).toString());
    m_templateEdit->setCursorPosition(0);
    const QString ending = pick(u"line-ending"_s, u"lineEnding"_s, endingKey(options.lineEnding)).toString();
    m_lineEndingCombo->setCurrentIndex(qMax(0, m_lineEndingCombo->findData(ending)));
    m_client->setLineEnding(endingFromKey(ending));
    // Saved as its SPEC; a saved one that no longer parses gives way to the command line's.
    const auto framing = Framing::parse(pick(u"framing"_s, u"framing"_s, options.framing.spec()).toString());
    m_framingEdit->setFraming(framing.value_or(options.framing));
    applyFraming(m_framingEdit->framing());
    const bool periodic = options.explicitlySet.contains(u"count"_s) || options.explicitlySet.contains(u"no-periodic"_s)
            ? options.periodic
            : settings.value(u"periodic"_s, options.periodic).toBool();
    m_periodicCheck->setChecked(periodic);
    m_client->setPeriodicEnabled(periodic);
    m_reconnectCheck->setChecked(pick(u"reconnect"_s, u"reconnect"_s, options.reconnect).toBool());
    const bool tlsGiven = options.explicitlySet.contains(u"tls"_s) || options.explicitlySet.contains(u"tls-ca"_s)
            || options.explicitlySet.contains(u"tls-cert"_s);
    m_tlsCheck->setChecked(tlsGiven ? options.tls : settings.value(u"tls"_s, options.tls).toBool());
    m_client->setTlsEnabled(m_tlsCheck->isChecked());
    m_client->setAutoReconnect(m_reconnectCheck->isChecked());
    restoreGeometry(settings.value(u"geometry"_s).toByteArray());
    m_rulesPanel->load(settings, options.rules);   // --rules wins over the saved ones
    m_rulesDock->setVisible(!m_ruleRunner->rules().isEmpty() || settings.value(u"rulesShown"_s, false).toBool());
    {
        const QSignalBlocker noSave(m_savedPanel);   // what was just read need not be written back
        m_savedPanel->restoreJson(settings.value(u"savedMessages"_s, u"[]"_s).toString().toUtf8());
    }
    m_savedDock->setVisible(!m_savedPanel->messages().isEmpty() || settings.value(u"savedShown"_s, false).toBool());
}

void ClientWindow::saveSettings() const
{
    QSettings settings;
    settings.beginGroup(GROUP);
    settings.setValue(u"host"_s, m_hostEdit->text().trimmed());
    settings.setValue(u"port"_s, m_portSpin->value());
    settings.setValue(u"intervalMs"_s, m_client->interval());
    settings.setValue(u"template"_s, m_templateEdit->text());
    settings.setValue(u"lineEnding"_s, m_lineEndingCombo->currentData().toString());
    settings.setValue(u"framing"_s, m_client->framing().spec());
    settings.setValue(u"periodic"_s, m_periodicCheck->isChecked());
    settings.setValue(u"reconnect"_s, m_reconnectCheck->isChecked());
    settings.setValue(u"tls"_s, m_tlsCheck->isChecked());
    settings.setValue(u"geometry"_s, saveGeometry());
    m_rulesPanel->save(settings);
    settings.setValue(u"rulesShown"_s, m_rulesDock->isVisibleTo(this));
    settings.setValue(u"savedMessages"_s, QString::fromUtf8(m_savedPanel->toJson()));
    settings.setValue(u"savedShown"_s, m_savedDock->isVisibleTo(this));
}

ClientOptions ClientWindow::currentOptions() const
{
    ClientOptions options;
    options.host = m_hostEdit->text().trimmed();
    options.port = quint16(m_portSpin->value());
    options.intervalMs = m_client->interval();
    options.periodic = m_periodicCheck->isChecked();
    options.messageTemplate = m_templateEdit->text();
    options.lineEnding = endingFromKey(m_lineEndingCombo->currentData().toString());
    options.framing = m_client->framing();
    options.reconnect = m_reconnectCheck->isChecked();
    options.flushDelayMs = m_client->flushDelay();
    options.tls = m_tlsCheck->isChecked();
    options.tlsConfiguration = m_tlsConfiguration;
    options.explicitlySet = { u"host"_s, u"port"_s, u"interval"_s, u"no-periodic"_s, u"message"_s, u"line-ending"_s,
                              u"framing"_s, u"reconnect"_s, u"flush-ms"_s, u"tls"_s };
    return options;
}

void ClientWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    QMainWindow::closeEvent(event);
}

void ClientWindow::connectClient()
{
    connectClientLog();
    connect(m_client, &EchoClient::stateChanged, this, &ClientWindow::updateState);
    connect(m_client, &EchoClient::messageReceived, this, [this] {
        ++m_received;
        updateCounters();
    });
    connect(m_client, &EchoClient::messageSent, this, [this](const QByteArray &, bool periodic) {
        ++m_sent;
        if (periodic && m_periodicLimit > 0 && m_client->periodicSent() >= m_periodicLimit)
            m_periodicCheck->setChecked(false);   // --count reached
        updateCounters();
    });
}

void ClientWindow::connectClientLog()
{
    // ClientLog makes the lines (the seed's four among them); the window shows them, and the
    // connection's own lines (not the messages, not the certificate) in the status bar too.
    connect(m_clientLog, &ClientLog::logged, this, [this](const Log::Event &event) {
        m_log->append(event);
        if (!event.isMessage() && !event.is<Log::ServerCertificate>())
            setStatus(LogModel::describe(event), event.isProblem());
    });
}

QString ClientWindow::serverText() const
{
    return Addresses::hostPortText(m_client->host(), m_client->port());
}

void ClientWindow::connectToServer()
{
    const QString host = m_hostEdit->text().trimmed();
    if (host.isEmpty()) {
        setStatus(tr("Type the server's host name or address first"), true);
        m_hostEdit->setFocus();
        return;
    }
    m_client->connectToServer(host, quint16(m_portSpin->value()));
}

void ClientWindow::onButtonClicked()
{
    switch (m_client->state()) {
    case EchoClient::State::Unconnected:
        connectToServer();
        break;
    case EchoClient::State::Connecting:
    case EchoClient::State::WaitingToReconnect:
    case EchoClient::State::Connected:
        m_client->disconnectFromServer();
        break;
    case EchoClient::State::Closing:
        m_client->abort();
        break;
    }
}

void ClientWindow::updateState()
{
    const EchoClient::State state = m_client->state();
    const QString server = serverText();
    QString text;
    QString stateText;
    switch (state) {
    case EchoClient::State::Unconnected:
        text = tr("Connect");
        stateText = tr("Not connected");
        break;
    case EchoClient::State::Connecting:
        text = tr("Cancel");
        stateText = tr("Connecting to %1…").arg(server);
        break;
    case EchoClient::State::Connected:
        text = tr("Disconnect");
        stateText = tr("Connected to %1").arg(server);
        break;
    case EchoClient::State::Closing:
        text = tr("Disconnect");
        stateText = tr("Closing…");
        break;
    case EchoClient::State::WaitingToReconnect:
        text = tr("Cancel");
        stateText = tr("Waiting to reconnect to %1").arg(server);
        break;
    }
    m_connectButton->setText(text);
    m_connectButton->setIcon(style()->standardIcon(state == EchoClient::State::Unconnected ? QStyle::SP_MediaPlay
                                                                                          : QStyle::SP_MediaStop));
    const bool idle = state == EchoClient::State::Unconnected;
    m_hostEdit->setEnabled(idle);
    m_portSpin->setEnabled(idle);
    m_tlsCheck->setEnabled(idle);
    m_sendButton->setEnabled(state == EchoClient::State::Connected);
    m_statusState->setText(stateText);
    setWindowTitle(idle ? tr("SpreadSite client") : tr("SpreadSite client — %1").arg(server));
}

void ClientWindow::setStatus(const QString &line, bool problem)
{
    m_statusLabel->setText(line);
    m_statusLabel->setStyleSheet(problem ? UiText::problemStyle() : QString());
}

QString ClientWindow::statusText() const
{
    return m_statusLabel->text();
}

void ClientWindow::showStatus(const QString &text)
{
    statusBar()->showMessage(text, STATUS_TIMEOUT_MS);
}

void ClientWindow::updateCounters()
{
    m_sentLabel->setText(tr("Sent: %1").arg(m_client->periodicSent()));
    m_statusCounters->setText(tr("%1 received, %2 sent").arg(m_received).arg(m_sent));
}

void ClientWindow::sendComposed()
{
    if (m_client->state() != EchoClient::State::Connected) {
        showStatus(tr("Not connected: connect first"));
        return;
    }
    QString why;
    const auto message = composedTemplate(&why);
    if (!message) {
        showComposeProblem(UiText::notSentBecause(why));   // already shown as typed; the text stays for fixing
        return;
    }
    // Refused here, where the user can fix it, rather than as a warning in the log; checked on a
    // trial expansion: the sent one differs only by {time} and {random}.
    MessageTemplate::Context trial;
    trial.sequence = m_composeSequence + 1;
    trial.program = m_client->programName();
    if (const QString notSent = whyNotSent(message->expand(trial)); !notSent.isEmpty()) {
        showComposeProblem(notSent);
        return;
    }
    showComposeProblem(QString());
    if (!m_client->sendTemplate(*message, m_composeSequence + 1))
        return;   // the client's warning() says why, in the log
    ++m_composeSequence;
    m_composeEdit->clear();
}

std::optional<MessageTemplate> ClientWindow::composedTemplate(QString *why) const
{
    const auto syntax = m_composeHexCheck->isChecked() ? MessageTemplate::Syntax::Hex : MessageTemplate::Syntax::Seed;
    auto message = MessageTemplate::parse(m_composeEdit->text(), syntax, why);
    if (message && message->usesClient()) {
        if (why)
            *why = MessageTemplate::noClientHere();
        return std::nullopt;
    }
    return message;
}

QString ClientWindow::whyNotSent(const QByteArray &message) const
{
    const Framing &framing = m_client->framing();
    // Nothing would go on the wire: no ending in line framing, no suffix in idle framing.
    const bool nothing = framing.kind == Framing::Kind::Line ? m_client->lineEnding() == EchoClient::LineEnding::None
                                                             : framing.kind == Framing::Kind::Idle;
    if (message.isEmpty() && nothing)
        return tr("Nothing to send: type a message first");
    return UiText::notSentText(framing, message);
}

bool ClientWindow::sendSaved(const MessageTemplate &message, quint64 sequence)
{
    if (m_client->state() != EchoClient::State::Connected) {
        showStatus(tr("Not connected: connect first"));
        return false;
    }
    MessageTemplate::Context trial;
    trial.sequence = sequence;
    trial.program = m_client->programName();
    if (const QString notSent = whyNotSent(message.expand(trial)); !notSent.isEmpty()) {
        showStatus(notSent);
        return false;
    }
    return m_client->sendTemplate(message, sequence);
}

void ClientWindow::showComposeProblem(const QString &text)
{
    m_composeProblemLabel->setText(text);
    m_composeProblemLabel->setVisible(!text.isEmpty());
}

void ClientWindow::applyFraming(const Framing &framing)
{
    const bool wasBinary = m_client->framing().isBinary();
    m_client->setFraming(framing);
    m_logPanel->setFraming(framing);
    m_lineEndingCombo->setEnabled(framing.kind == Framing::Kind::Line);
    // Binary frames are typed as hex bytes.
    if (framing.isBinary() && !wasBinary)
        m_composeHexCheck->setChecked(true);
    showComposeProblem(QString());
}

void ClientWindow::openNewWindow()
{
    ClientWindow *window = openNew(currentOptions());
    emit clientWindowOpened(window);
    window->connectToServer();
}

// ---- ReplayPanel -------------------------------------------------------------------------

namespace {
constexpr double MAX_REPLAY_SPEED = 1000;
const QString REPLAY_FOLDER_KEY = u"client/replayFolder"_s;
} // namespace

ReplayPanel::ReplayPanel(QWidget *parent)
    : QWidget(parent)
    , m_replayer(new Replayer(this))
{
    setObjectName(u"replayPanel"_s);
    m_fileEdit = new QLineEdit(this);
    m_fileEdit->setObjectName(u"replayFileEdit"_s);
    m_fileEdit->setReadOnly(true);
    m_fileEdit->setPlaceholderText(tr("a capture (pcapng, pcap) or a JSON Lines log"));
    m_fileEdit->setToolTip(tr("The file replayed: what its clients sent is sent again"));
    m_browseButton = new QPushButton(tr("&Browse..."), this);
    m_browseButton->setObjectName(u"replayBrowseButton"_s);
    m_browseButton->setToolTip(tr("Choose a capture or a log to replay"));
    auto *fileBar = new QHBoxLayout;
    fileBar->addWidget(m_fileEdit, 1);
    fileBar->addWidget(m_browseButton);

    m_clientCombo = new QComboBox(this);
    m_clientCombo->setObjectName(u"replayClientCombo"_s);
    m_clientCombo->setToolTip(tr("The recorded clients found in the file: one of them, or all, each on its own connection"));
    m_clientCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_speedSpin = new QDoubleSpinBox(this);
    m_speedSpin->setObjectName(u"replaySpeedSpin"_s);
    m_speedSpin->setRange(0, MAX_REPLAY_SPEED);
    m_speedSpin->setDecimals(2);
    m_speedSpin->setValue(1);
    m_speedSpin->setSuffix(u" \u00d7"_s);
    m_speedSpin->setSpecialValueText(tr("As fast as possible"));
    m_speedSpin->setToolTip(tr("The recorded gaps divided by this: 1 as recorded, 2 twice as fast; 0 with no gaps at all"));
    m_startButton = new QPushButton(tr("&Start"), this);
    m_startButton->setObjectName(u"replayStartButton"_s);
    m_startButton->setToolTip(tr("Connect to the server of the controls and replay"));
    m_stopButton = new QPushButton(tr("S&top"), this);
    m_stopButton->setObjectName(u"replayStopButton"_s);
    m_stopButton->setToolTip(tr("Stop the replay and close its connections"));
    auto *runBar = new QHBoxLayout;
    auto *speedLabel = new QLabel(tr("S&peed:"), this);
    speedLabel->setBuddy(m_speedSpin);
    runBar->addWidget(m_clientCombo, 1);
    runBar->addWidget(speedLabel);
    runBar->addWidget(m_speedSpin);
    runBar->addWidget(m_startButton);
    runBar->addWidget(m_stopButton);

    m_progress = new QProgressBar(this);
    m_progress->setObjectName(u"replayProgress"_s);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(tr("%v of %m messages sent"));
    m_progress->setToolTip(tr("Messages of the chosen clients sent so far"));
    m_resultLabel = new QLabel(this);
    m_resultLabel->setObjectName(u"replayResult"_s);
    m_resultLabel->setTextFormat(Qt::PlainText);
    m_resultLabel->setWordWrap(true);
    m_resultLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_resultLabel->setToolTip(tr("How the last replay went, or why the file cannot be replayed"));

    auto *form = new QFormLayout(this);
    auto *fileLabel = new QLabel(tr("&File:"), this);
    fileLabel->setBuddy(m_browseButton);
    auto *clientsLabel = new QLabel(tr("&Clients:"), this);
    clientsLabel->setBuddy(m_clientCombo);
    form->addRow(fileLabel, fileBar);
    form->addRow(clientsLabel, runBar);
    form->addRow(m_progress);
    form->addRow(m_resultLabel);

    connect(m_browseButton, &QPushButton::clicked, this, &ReplayPanel::chooseFile);
    connect(m_startButton, &QPushButton::clicked, this, [this] { start(); });
    connect(m_stopButton, &QPushButton::clicked, this, &ReplayPanel::stop);
    connect(m_replayer, &Replayer::progress, this, [this](qsizetype sent, qsizetype total) {
        m_progress->setRange(0, int(std::max<qsizetype>(total, 1)));
        m_progress->setValue(int(sent));
    });
    connect(m_replayer, &Replayer::finished, this, &ReplayPanel::onFinished);
    updateState();
}

ReplayPanel::~ReplayPanel()
{
    m_replayer->disconnect(this);
}

void ReplayPanel::chooseFile()
{
    QSettings settings;
    const QString folder = settings.value(REPLAY_FOLDER_KEY).toString();
    const QString fileName = QFileDialog::getOpenFileName(
            this, tr("Replay a file"), folder,
            tr("Captures and logs (*.pcapng *.pcap *.jsonl *.json *.log);;pcapng captures (*.pcapng);;"
               "pcap captures (*.pcap);;JSON Lines logs (*.jsonl *.json *.log);;All files (*)"));
    if (fileName.isEmpty())
        return;
    settings.setValue(REPLAY_FOLDER_KEY, QFileInfo(fileName).absolutePath());
    openFile(fileName);
}

bool ReplayPanel::openFile(const QString &fileName)
{
    if (m_replayer->isRunning())
        m_replayer->stop();
    m_fileName = fileName;
    m_fileEdit->setText(QDir::toNativeSeparators(fileName));
    m_fileEdit->setCursorPosition(0);
    m_clientCombo->clear();
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    QString error;
    m_recording = CaptureReader::read(fileName, &error);
    if (!m_recording) {
        showResult(error, true);
        updateState();
        return false;
    }
    const QList<Recording::Client> &clients = m_recording->clients;
    qsizetype total = 0;
    for (const Recording::Client &client : clients)
        total += client.chunks.size();
    if (clients.isEmpty()) {
        showResult(tr("%1 holds no recorded client that sent something").arg(QFileInfo(fileName).fileName()), true);
        updateState();
        return false;
    }
    m_clientCombo->addItem(tr("All recorded clients (%1), %n message(s)", nullptr, int(total)).arg(clients.size()), QVariant());
    for (const Recording::Client &client : clients)
        m_clientCombo->addItem(tr("Client #%1, %n message(s)", nullptr, int(client.chunks.size())).arg(client.id), client.id);
    // One client: that one; several: all, as they were.
    m_clientCombo->setCurrentIndex(0);
    const QString kind = m_recording->framed() ? tr("log") : tr("capture");
    showResult(tr("A %1 with %n recorded client(s) (ids: %2)", nullptr, int(clients.size()))
                       .arg(kind, Replayer::idList(m_recording->ids())),
               false);
    updateState();
    return true;
}

void ReplayPanel::setSpeed(double speed)
{
    m_speedSpin->setValue(speed);
}

bool ReplayPanel::start(const std::optional<QList<quint64>> &clients)
{
    if (!m_recording) {
        showResult(m_fileName.isEmpty() ? tr("Choose a file to replay first") : resultText(), true);
        return false;
    }
    QList<quint64> chosen;
    if (clients) {
        chosen = *clients;
    } else if (const QVariant id = m_clientCombo->currentData(); id.isValid()) {
        chosen = { id.toULongLong() };
    } else {
        chosen = m_recording->ids();
    }
    const Target target = m_target ? m_target() : Target();
    if (target.host.isEmpty() || target.port == 0) {
        showResult(tr("Type the server's host and port above first"), true);
        return false;
    }
    m_lastTarget = u"%1:%2"_s.arg(target.host).arg(target.port);
    showResult(tr("Replaying to %1...").arg(m_lastTarget), false);
    m_replayer->start(*m_recording, chosen, target.host, target.port, m_speedSpin->value(), target.connection);
    updateState();
    if (!m_replayer->isRunning())
        return false;   // onFinished said why
    emit statusMessagePosted(tr("Replaying %1 to %2").arg(QFileInfo(m_fileName).fileName(), m_lastTarget));
    return true;
}

void ReplayPanel::stop()
{
    m_replayer->stop();
    updateState();
}

QString ReplayPanel::resultText() const
{
    return m_resultLabel->text();
}

void ReplayPanel::onFinished(bool ok, const QString &reason)
{
    const QString text = ok ? tr("Done: %n message(s) sent to %1", nullptr, int(m_replayer->total())).arg(m_lastTarget)
                            : tr("Replay ended: %1").arg(reason);
    showResult(text, !ok);
    emit statusMessagePosted(text);
    updateState();
}

void ReplayPanel::showResult(const QString &text, bool problem)
{
    m_resultLabel->setText(text);
    m_resultLabel->setStyleSheet(problem ? UiText::problemStyle() : QString());
}

void ReplayPanel::updateState()
{
    const bool running = m_replayer->isRunning();
    m_startButton->setEnabled(!running && m_recording.has_value() && m_clientCombo->count() > 0);
    m_stopButton->setEnabled(running && !m_replayer->isStopping());
    m_browseButton->setEnabled(!running);
    m_clientCombo->setEnabled(!running && m_clientCombo->count() > 0);
    m_speedSpin->setEnabled(!running);
}
