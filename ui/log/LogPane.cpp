#include "log/LogPane.h"

#include "log/LogFilterProxyModel.h"
#include "log/LogItemDelegate.h"
#include "log/LogListView.h"
#include "log/LogModel.h"

#include <QAction>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QShortcut>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace athanor::ui {

using athanor::LogLevel;

LogPane::LogPane(LogModel* liveModel, QWidget* parent)
    : QWidget(parent), m_live(liveModel), m_archive(new LogModel(LogModel::kDefaultCapacity, this)),
      m_proxy(new LogFilterProxyModel(this)), m_delegate(new LogItemDelegate(m_proxy, this)),
      m_view(new LogListView(this)), m_filterEdit(new QLineEdit(this)), m_countLabel(new QLabel(this)),
      m_archiveBar(new QFrame(this)), m_archiveLabel(new QLabel(m_archiveBar)),
      m_filterDebounce(new QTimer(this)), m_countThrottle(new QTimer(this)) {
    m_proxy->setSourceModel(m_live);
    m_view->setModel(m_proxy);
    m_view->setItemDelegate(m_delegate);
    m_view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_view->setObjectName(QStringLiteral("logView"));

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->setSpacing(4);
    struct LevelToggle {
        QString text;
        QString tip;
        std::vector<LogLevel> levels;
    };
    const LevelToggle toggles[] = {
        {tr("Debug"), tr("Show debug and trace lines"), {LogLevel::Trace, LogLevel::Debug}},
        {tr("Info"), tr("Show info lines"), {LogLevel::Info}},
        {tr("Warn"), tr("Show warnings"), {LogLevel::Warn}},
        {tr("Error"), tr("Show errors"), {LogLevel::Error}},
    };
    for (const auto& t : toggles) {
        auto* b = makeToggle(t.text, t.tip, true);
        b->setObjectName(QStringLiteral("level") + t.text);
        const auto levels = t.levels;
        connect(b, &QToolButton::toggled, this, [this, levels](bool on) {
            unsigned mask = m_proxy->levelMask();
            for (LogLevel l : levels)
                mask = on ? (mask | LogFilterProxyModel::levelBit(l))
                          : (mask & ~LogFilterProxyModel::levelBit(l));
            m_proxy->setLevelMask(mask);
        });
        bar->addWidget(b);
    }
    bar->addSpacing(8);

    m_filterEdit->setObjectName(QStringLiteral("logFilter"));
    m_filterEdit->setPlaceholderText(tr("Filter log (Ctrl+F)"));
    m_filterEdit->setClearButtonEnabled(true);
    m_filterEdit->setMinimumWidth(180);
    bar->addWidget(m_filterEdit, 1);
    m_regexButton = makeToggle(QStringLiteral(".*"), tr("Treat the filter as a regular expression"), false);
    bar->addWidget(m_regexButton);
    bar->addWidget(m_countLabel);
    bar->addSpacing(8);

    m_timeButton = makeToggle(tr("Time"), tr("Show timestamps"), true);
    m_timeButton->setObjectName(QStringLiteral("logTimestamps"));
    bar->addWidget(m_timeButton);
    m_followButton =
        makeToggle(tr("Follow"), tr("Keep the newest line in view (pauses when you scroll up)"), true);
    m_followButton->setObjectName(QStringLiteral("logFollow"));
    bar->addWidget(m_followButton);

    auto* copyButton = new QToolButton(this);
    copyButton->setText(tr("Copy"));
    copyButton->setToolTip(tr("Copy the selected lines (Ctrl+C)"));
    bar->addWidget(copyButton);
    auto* saveButton = new QToolButton(this);
    saveButton->setText(tr("Save…"));
    saveButton->setToolTip(tr("Save the lines shown (filter applied) to a file"));
    bar->addWidget(saveButton);

    auto* archiveLayout = new QHBoxLayout(m_archiveBar);
    archiveLayout->setContentsMargins(6, 2, 6, 2);
    archiveLayout->addWidget(m_archiveLabel, 1);
    auto* liveButton = new QPushButton(tr("Back to live log"), m_archiveBar);
    liveButton->setObjectName(QStringLiteral("logBackToLive"));
    archiveLayout->addWidget(liveButton);
    m_archiveBar->setFrameShape(QFrame::StyledPanel);
    m_archiveBar->setAutoFillBackground(true);
    QPalette archivePalette = m_archiveBar->palette();
    archivePalette.setColor(QPalette::Window, archivePalette.color(QPalette::AlternateBase));
    m_archiveBar->setPalette(archivePalette);
    m_archiveBar->hide();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(bar);
    layout->addWidget(m_archiveBar);
    layout->addWidget(m_view, 1);

    m_filterDebounce->setSingleShot(true);
    m_filterDebounce->setInterval(200);
    connect(m_filterDebounce, &QTimer::timeout, this, &LogPane::applyFilterText);
    connect(m_filterEdit, &QLineEdit::textChanged, m_filterDebounce, qOverload<>(&QTimer::start));
    connect(m_regexButton, &QToolButton::toggled, this, &LogPane::applyFilterText);
    connect(m_timeButton, &QToolButton::toggled, this, &LogPane::setShowTimestamps);
    connect(m_followButton, &QToolButton::toggled, m_view, &LogListView::setFollowTail);
    connect(m_view, &LogListView::followTailChanged, m_followButton, &QToolButton::setChecked);
    connect(copyButton, &QToolButton::clicked, m_view, &LogListView::copySelection);
    connect(saveButton, &QToolButton::clicked, this, &LogPane::saveInteractively);
    connect(liveButton, &QPushButton::clicked, this, &LogPane::showLive);

    auto* find = new QShortcut(QKeySequence::Find, this, nullptr, nullptr, Qt::WidgetWithChildrenShortcut);
    connect(find, &QShortcut::activated, this, [this] {
        m_filterEdit->setFocus();
        m_filterEdit->selectAll();
    });

    // Counting on every batch would be wasted work during a fast run; a few times a second is plenty.
    m_countThrottle->setSingleShot(true);
    m_countThrottle->setInterval(250);
    connect(m_countThrottle, &QTimer::timeout, this, &LogPane::updateCount);
    auto scheduleCount = [this] {
        if (!m_countThrottle->isActive())
            m_countThrottle->start();
    };
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, scheduleCount);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, scheduleCount);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, scheduleCount);
    connect(m_proxy, &LogFilterProxyModel::filterChanged, this, &LogPane::updateCount);
    updateCount();
}

QToolButton* LogPane::makeToggle(const QString& text, const QString& tip, bool checked) {
    auto* b = new QToolButton(this);
    b->setText(text);
    b->setToolTip(tip);
    b->setCheckable(true);
    b->setChecked(checked);
    b->setAutoRaise(false);
    return b;
}

LogModel* LogPane::shownModel() const {
    return showingArchive() ? m_archive : m_live;
}

bool LogPane::showingArchive() const {
    return m_proxy->sourceModel() == m_archive;
}

void LogPane::showArchive(const QString& title, std::vector<LogEntry> entries) {
    m_archive->replaceAll(std::move(entries));
    m_proxy->setSourceModel(m_archive);
    m_archiveLabel->setText(title);
    m_archiveBar->show();
    m_view->setFollowTail(false);
    m_view->scrollToTop();
    updateCount();
}

void LogPane::showLive() {
    m_proxy->setSourceModel(m_live);
    m_archive->clear();
    m_archiveBar->hide();
    m_view->setFollowTail(true);
    updateCount();
    emit liveShown();
}

void LogPane::setFilterText(const QString& text, bool regularExpression) {
    const QSignalBlocker block(m_filterEdit);
    m_filterEdit->setText(text);
    m_regexButton->setChecked(regularExpression);
    m_filterDebounce->stop();
    applyFilterText();
}

void LogPane::applyFilterText() {
    m_proxy->setTextFilter(m_filterEdit->text(), m_regexButton->isChecked());
    m_filterEdit->setToolTip(m_proxy->isPatternValid() ? QString() : tr("Not a valid regular expression"));
    QPalette p = m_filterEdit->palette();
    p.setColor(QPalette::Text,
               m_proxy->isPatternValid() ? palette().color(QPalette::Text) : QColor(0xc6, 0x28, 0x28));
    m_filterEdit->setPalette(p);
    m_view->viewport()->update();
}

void LogPane::setShowTimestamps(bool show) {
    if (m_timeButton->isChecked() != show)
        m_timeButton->setChecked(show); // re-enters through toggled
    m_delegate->setShowTimestamps(show);
    m_view->setCopyWithTimestamps(show);
    m_view->viewport()->update();
}

void LogPane::updateCount() {
    const int shown = m_proxy->rowCount();
    const int total = shownModel()->rowCount();
    m_countLabel->setText(shown == total ? (total == 1 ? tr("1 line") : tr("%1 lines").arg(total))
                                         : tr("%1 of %2").arg(shown).arg(total));
}

bool LogPane::saveTo(const QString& fileName, QString* error) const {
    QSaveFile file(fileName);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) {
        if (error)
            *error = file.errorString();
        return false;
    }
    file.write(m_view->allText().toUtf8());
    if (!file.commit()) {
        if (error)
            *error = file.errorString();
        return false;
    }
    return true;
}

void LogPane::saveInteractively() {
    const QString name = QFileDialog::getSaveFileName(this, tr("Save log"), QStringLiteral("athanor.log"),
                                                      tr("Log files (*.log *.txt);;All files (*)"));
    if (name.isEmpty())
        return;
    QString error;
    if (!saveTo(name, &error))
        QMessageBox::warning(this, tr("Save log"), tr("Could not save %1: %2").arg(name, error));
}

} // namespace athanor::ui
