#include "widgets/EmptyStatePage.h"

#include <QDir>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

namespace athanor::ui {

EmptyStatePage::EmptyStatePage(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("EmptyStatePage"));
    m_icon = new QLabel;
    m_icon->setAlignment(Qt::AlignCenter);
    m_title = new QLabel;
    m_title->setObjectName(QStringLiteral("emptyTitle"));
    m_title->setAlignment(Qt::AlignCenter);
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    big.setBold(true);
    m_title->setFont(big);
    m_text = new QLabel;
    m_text->setObjectName(QStringLiteral("emptyText"));
    m_text->setAlignment(Qt::AlignCenter);
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::RichText);
    m_text->setMaximumWidth(560);
    m_text->setMinimumWidth(420);
    // Never squeezed below its wrapped height when the deploy dock leaves little room.
    m_text->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Minimum);
    m_open = new QPushButton(QIcon(QStringLiteral(":/icons/open.svg")), tr("Open Project Folder…"));
    m_open->setDefault(true);
    m_recentTitle = new QLabel(tr("<b>Recent projects</b>"));
    m_recentTitle->setAlignment(Qt::AlignCenter);
    m_recent = new QLabel;
    m_recent->setAlignment(Qt::AlignCenter);
    m_recent->setTextFormat(Qt::RichText);
    m_recent->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    connect(m_recent, &QLabel::linkActivated, this,
            [this](const QString& link) { emit recentRequested(QUrl(link).toLocalFile()); });
    connect(m_open, &QPushButton::clicked, this, &EmptyStatePage::openRequested);

    auto* layout = new QVBoxLayout(this);
    layout->addStretch(2);
    layout->addWidget(m_icon);
    layout->addSpacing(8);
    layout->addWidget(m_title);
    // Centred through stretches, not an alignment flag: an aligned word-wrapped label gets the height for the
    // page's full width and loses its second line.
    auto* textRow = new QHBoxLayout;
    textRow->addStretch(1);
    textRow->addWidget(m_text, 4);
    textRow->addStretch(1);
    layout->addLayout(textRow);
    layout->addSpacing(12);
    layout->addWidget(m_open, 0, Qt::AlignHCenter);
    layout->addSpacing(24);
    layout->addWidget(m_recentTitle);
    layout->addWidget(m_recent);
    layout->addStretch(3);
}

void EmptyStatePage::setRecent(const QStringList& recentProjects) {
    QStringList links;
    for (const QString& p : recentProjects)
        links << QStringLiteral("<a href=\"%1\">%2</a>")
                     .arg(QUrl::fromLocalFile(p).toString().toHtmlEscaped(),
                          QDir::toNativeSeparators(p).toHtmlEscaped());
    m_recent->setText(links.join(QStringLiteral("<br>")));
    m_recentTitle->setVisible(!links.isEmpty());
    m_recent->setVisible(!links.isEmpty());
}

void EmptyStatePage::showWelcome(const QStringList& recentProjects) {
    m_icon->setPixmap(QIcon(QStringLiteral(":/icons/athanor.svg")).pixmap(96, 96));
    m_title->setText(tr("Inspect Alchemy state"));
    m_text->setText(
        tr("Open a project folder (the one holding <code>.alchemy</code>) or a <code>.alchemy</code> "
           "folder itself. You can also drop a folder on this window."));
    setRecent(recentProjects);
}

void EmptyStatePage::showEmptySource(const QString& source, bool missing, const QStringList& recentProjects) {
    m_icon->setPixmap(QIcon(QStringLiteral(":/icons/folder-open.svg")).pixmap(72, 72));
    m_title->setText(tr("No Alchemy state here"));
    const QString where = QDir::toNativeSeparators(source).toHtmlEscaped();
    m_text->setText(missing
                        ? tr("<code>%1</code> does not exist. Deploy with Alchemy's SQLiteStateStore once, "
                             "or open the source that holds the state.")
                              .arg(where)
                        : tr("<code>%1</code> holds no state records yet. The window updates by itself "
                             "as soon as a deploy writes some.")
                              .arg(where));
    setRecent(recentProjects);
}

void EmptyStatePage::showLoadFailure(const QString& source, const QString& message) {
    m_icon->setPixmap(QIcon(QStringLiteral(":/icons/folder-open.svg")).pixmap(72, 72));
    m_title->setText(tr("Cannot read this state"));
    m_text->setText(tr("<code>%1</code>: %2<br><br>Nothing was changed. The window tries again by itself.")
                        .arg(QDir::toNativeSeparators(source).toHtmlEscaped(), message.toHtmlEscaped()));
}

void EmptyStatePage::showNoState(const QString& projectPath, bool folderMissing,
                                 const QStringList& recentProjects) {
    m_icon->setPixmap(QIcon(QStringLiteral(":/icons/folder-open.svg")).pixmap(72, 72));
    m_title->setText(tr("No Alchemy state here"));
    const QString where = QDir::toNativeSeparators(projectPath).toHtmlEscaped();
    m_text->setText(
        folderMissing
            ? tr("<code>%1</code> has no <code>.alchemy</code> folder. Deploy the project once, or "
                 "open the folder that holds its state.")
                  .arg(where)
            : tr("<code>%1/.alchemy</code> holds no state records yet. The window updates by itself "
                 "as soon as a deploy writes some.")
                  .arg(where));
    setRecent(recentProjects);
}

} // namespace athanor::ui
