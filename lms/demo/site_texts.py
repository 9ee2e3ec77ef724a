# ruff: noqa: RUF001 -- Russian text is Cyrillic on purpose
"""The words of the demo site, in English and Russian: home, about and the three training tracks.

Bodies are raw StreamField data for ``cms.blocks.BaseStreamBlock``.
"""

from cms.tracks import Track


def _heading(text: str, level: str = "h2") -> dict:
    return {"type": "heading", "value": {"text": text, "level": level}}


def _text(html: str) -> dict:
    return {"type": "paragraph", "value": html}


def _callout(kind: str, title: str, html: str) -> dict:
    return {"type": "callout", "value": {"kind": kind, "title": title, "text": html}}


def _reading(title: str, items: list[tuple[str, str, str]]) -> dict:
    return {
        "type": "reading_list",
        "value": {
            "title": title,
            "items": [{"citation": citation, "url": url, "note": note} for citation, url, note in items],
        },
    }


HOME = {
    "en": {
        "title": "LIS Commons",
        "intro": "Learning, webinars and online governance for library and information professionals.",
        "search_description": "Courses, webinars and association governance for library and information professionals.",
        "body": [
            _text(
                "<p>LIS Commons is a shared space where library associations train their members and run their "
                "affairs online. Courses are written by practising librarians, webinars are recorded for those "
                "who could not attend, and every completed course or attended session earns a certificate that "
                "counts towards continuing professional development.</p>"
            ),
            _text(
                "<p>Associations also use LIS Commons to govern themselves: to hold general assemblies and board "
                "meetings online, to vote under their own rules of procedure, and to publish the minutes and "
                "results their members are entitled to see.</p>"
            ),
            _callout(
                "tip",
                "New here?",
                "<p>Start with one of the three training tracks below. Each track explains who it is for and "
                "lists its courses, from short introductions to longer programmes.</p>",
            ),
        ],
    },
    "ru": {
        "title": "LIS Commons",
        "intro": "Обучение, вебинары и онлайн-управление для специалистов библиотечно-информационной сферы.",
        "search_description": "Курсы, вебинары и управление ассоциацией для специалистов библиотечного дела.",
        "body": [
            _text(
                "<p>LIS Commons — общее пространство, где библиотечные ассоциации обучают своих членов и ведут "
                "дела онлайн. Курсы пишут практикующие библиотекари, вебинары записываются для тех, кто не смог "
                "прийти, а за каждый пройденный курс или посещённое занятие выдаётся сертификат, который "
                "засчитывается в непрерывное профессиональное развитие.</p>"
            ),
            _text(
                "<p>Ассоциации также пользуются LIS Commons для самоуправления: проводят общие собрания и "
                "заседания правления онлайн, голосуют по собственному регламенту и публикуют протоколы и итоги, "
                "которые их члены вправе видеть.</p>"
            ),
            _callout(
                "tip",
                "Впервые здесь?",
                "<p>Начните с одного из трёх учебных направлений ниже. На странице каждого направления сказано, "
                "для кого оно предназначено, и перечислены его курсы — от коротких введений до длинных "
                "программ.</p>",
            ),
        ],
    },
}

ABOUT = {
    "en": {
        "title": "About LIS Commons",
        "intro": "Who runs LIS Commons, what it is for, and how associations take part.",
        "search_description": "About LIS Commons: a learning and governance platform for library associations.",
        "body": [
            _text(
                "<p>LIS Commons grew out of a simple observation: small and medium-sized library associations "
                "do the same work over and over again. Each one organises training, each one runs its general "
                "assembly, each one keeps a list of members and their dues. Few of them have the staff to build "
                "online tools for all of this, and commercial platforms rarely fit the way associations "
                "actually work.</p>"
            ),
            _heading("What the platform offers"),
            _text(
                "<ul><li><b>Courses</b> in three tracks, with quizzes and interactive exercises, available in "
                "English and Russian.</li><li><b>Webinars and meetings</b> on BigBlueButton, with registration, "
                "reminders, recordings and attendance certificates.</li><li><b>Votes</b> for general assemblies "
                "and boards, run under each association's own rules of procedure.</li><li><b>Certificates</b> "
                "that anyone can verify, with the hours of professional development they represent.</li></ul>"
            ),
            _heading("How associations take part"),
            _text(
                "<p>An association joins by naming an administrator, who then invites the board and the "
                "members. Trainers from any member association can write courses for the shared tracks; "
                "the association decides which of its events are open to everyone and which to members "
                "only.</p>"
            ),
        ],
    },
    "ru": {
        "title": "О LIS Commons",
        "intro": "Кто ведёт LIS Commons, для чего он нужен и как в нём участвуют ассоциации.",
        "search_description": "О LIS Commons: платформа обучения и самоуправления для библиотечных ассоциаций.",
        "body": [
            _text(
                "<p>LIS Commons вырос из простого наблюдения: небольшие и средние библиотечные ассоциации раз за "
                "разом делают одну и ту же работу. Каждая организует обучение, каждая проводит общее собрание, "
                "каждая ведёт список членов и их взносов. Мало у кого есть сотрудники, чтобы построить для всего "
                "этого онлайн-инструменты, а коммерческие платформы редко подходят к тому, как ассоциации "
                "работают на самом деле.</p>"
            ),
            _heading("Что предлагает платформа"),
            _text(
                "<ul><li><b>Курсы</b> по трём направлениям, с тестами и интерактивными упражнениями, на "
                "английском и русском языках.</li><li><b>Вебинары и собрания</b> в BigBlueButton, с регистрацией, "
                "напоминаниями, записями и сертификатами участия.</li><li><b>Голосования</b> для общих собраний "
                "и правлений по регламенту каждой ассоциации.</li><li><b>Сертификаты</b>, подлинность которых "
                "может проверить любой, с указанием часов профессионального развития.</li></ul>"
            ),
            _heading("Как участвуют ассоциации"),
            _text(
                "<p>Ассоциация присоединяется, назначив администратора, который приглашает правление и членов. "
                "Тренеры любой ассоциации-участницы могут писать курсы для общих направлений; ассоциация сама "
                "решает, какие её мероприятия открыты для всех, а какие — только для членов.</p>"
            ),
        ],
    },
}

TRACKS = {
    Track.MEDIA_LITERACY: {
        "en": {
            "title": "Media literacy",
            "intro": "Media and information literacy for librarians: fact-checking, evaluating sources and "
            "teaching patrons to do both.",
            "audience": "Public and school librarians, reference staff and anyone who runs information literacy "
            "sessions for adults or teenagers.",
            "search_description": "Media and information literacy (MIL) training for library professionals.",
            "body": [
                _text(
                    "<p>Libraries have always helped people find information they can trust. What has changed is "
                    "the volume and speed of what reaches our patrons: screenshots of headlines, edited videos, "
                    "anonymous accounts that look like news outlets, and now text and images generated by AI. "
                    "Media and information literacy (MIL) is the set of habits that lets a person slow down and "
                    "ask who is speaking, what evidence they offer and why they are saying it now.</p>"
                ),
                _heading("What you will learn"),
                _text(
                    "<p>The courses in this track start from the librarian's own practice. You will learn the "
                    "fact-checking moves used by professional verifiers: leaving a page to read what others say "
                    "about its source (lateral reading), tracing a claim or a picture back to where it first "
                    "appeared, and checking whether a quotation, a statistic or a map says what it is said to "
                    "say. You will practise with reverse image search, archive services and simple tools for "
                    "looking at the date and origin of a web page.</p>"
                ),
                _text(
                    "<p>The second half of the track is about teaching. A one-hour workshop changes little if it "
                    "is a list of rules; it works when participants check something they care about and see the "
                    "result. You will design short activities for different groups (pupils, older adults, "
                    "newcomers to the country), adapt them for your library's community, and learn to talk about "
                    "disinformation without taking sides in the arguments it feeds on.</p>"
                ),
                _callout(
                    "note",
                    "Neutral does not mean silent",
                    "<p>Teaching patrons how to evaluate sources is part of the library's professional ethics. "
                    "The courses show how to do it while keeping the library a place where people of every "
                    "opinion feel welcome.</p>",
                ),
                _reading(
                    "Further reading",
                    [
                        (
                            "IFLA. How to Spot Fake News (infographic, many languages).",
                            "",
                            "Free to print for your library.",
                        ),
                        (
                            "UNESCO. Media and Information Literate Citizens: Think Critically, Click Wisely! 2021.",
                            "https://unesdoc.unesco.org/ark:/48223/pf0000377068",
                            "A full curriculum for educators.",
                        ),
                        (
                            "Caulfield, M. and Wineburg, S. Verified: How to Think Straight, Get Duped Less, and "
                            "Make Better Decisions about What to Believe Online. University of Chicago Press, 2023.",
                            "",
                            "",
                        ),
                    ],
                ),
            ],
        },
        "ru": {
            "title": "Медиаграмотность",
            "intro": "Медийная и информационная грамотность для библиотекарей: проверка фактов, оценка "
            "источников и обучение читателей тому и другому.",
            "audience": "Сотрудники публичных и школьных библиотек, справочных служб и все, кто проводит "
            "занятия по информационной грамотности для взрослых или подростков.",
            "search_description": "Обучение медийной и информационной грамотности (МИГ) для библиотекарей.",
            "body": [
                _text(
                    "<p>Библиотеки всегда помогали людям находить информацию, которой можно доверять. Изменились "
                    "объём и скорость того, что доходит до наших читателей: скриншоты заголовков, смонтированные "
                    "видео, анонимные аккаунты, похожие на СМИ, а теперь ещё тексты и изображения, созданные ИИ. "
                    "Медийная и информационная грамотность (МИГ) — это набор привычек, которые позволяют "
                    "остановиться и спросить: кто говорит, какие доказательства он приводит и почему говорит "
                    "это именно сейчас.</p>"
                ),
                _heading("Чему вы научитесь"),
                _text(
                    "<p>Курсы этого направления исходят из практики самого библиотекаря. Вы освоите приёмы "
                    "профессиональных фактчекеров: уйти со страницы и прочитать, что о её источнике пишут "
                    "другие (латеральное чтение), проследить утверждение или фотографию до места, где они "
                    "появились впервые, и проверить, говорит ли цитата, статистика или карта то, что ей "
                    "приписывают. Вы поупражняетесь в обратном поиске изображений, работе с веб-архивами и "
                    "простых инструментах, которые показывают дату и происхождение веб-страницы.</p>"
                ),
                _text(
                    "<p>Вторая половина направления посвящена преподаванию. Часовой семинар мало что меняет, если "
                    "это список правил; он работает, когда участники проверяют то, что им важно, и видят "
                    "результат. Вы разработаете короткие занятия для разных групп (школьников, людей старшего "
                    "возраста, недавно приехавших в страну), адаптируете их для своего сообщества и научитесь "
                    "говорить о дезинформации, не вставая ни на одну из сторон споров, которыми она "
                    "питается.</p>"
                ),
                _callout(
                    "note",
                    "Нейтральность не означает молчание",
                    "<p>Учить читателей оценивать источники — часть профессиональной этики библиотеки. Курсы "
                    "показывают, как делать это, сохраняя библиотеку местом, где рады людям любых "
                    "взглядов.</p>",
                ),
                _reading(
                    "Что почитать",
                    [
                        (
                            "ИФЛА. Как распознать фейковые новости (инфографика, на многих языках).",
                            "",
                            "Можно свободно распечатать для библиотеки.",
                        ),
                        (
                            "ЮНЕСКО. Медийно и информационно грамотные граждане: думай критически, кликай "
                            "разумно! 2021.",
                            "https://unesdoc.unesco.org/ark:/48223/pf0000377068",
                            "Полная учебная программа для преподавателей.",
                        ),
                        (
                            "Caulfield, M., Wineburg, S. Verified: How to Think Straight, Get Duped Less, and Make "
                            "Better Decisions about What to Believe Online. University of Chicago Press, 2023.",
                            "",
                            "",
                        ),
                    ],
                ),
            ],
        },
    },
    Track.FUTURE_LIS_SKILLS: {
        "en": {
            "title": "Future LIS skills",
            "intro": "Data, digital scholarship, AI literacy, open science and community engagement: the skills "
            "libraries now ask of their staff.",
            "audience": "Academic, research and public librarians who want to support new services, and managers "
            "planning their team's professional development.",
            "search_description": "Training in data, digital scholarship, AI literacy, open science and community "
            "engagement for librarians.",
            "body": [
                _text(
                    "<p>Job advertisements for librarians look different from ten years ago. Universities want "
                    "people who can advise researchers on data management plans and open access; public "
                    "libraries want staff who can explain how a chatbot works and run a digital skills club; "
                    "every library wants to show its community the value of what it does. This track gathers "
                    "those skills in one place and keeps them practical.</p>"
                ),
                _heading("Data and digital scholarship"),
                _text(
                    "<p>You will learn to read a data management plan and comment on it usefully, to describe a "
                    "dataset so that others can find and reuse it, and to clean a messy spreadsheet with free "
                    "tools such as OpenRefine. Digital scholarship courses cover digitised collections as data: "
                    "what researchers do with them, and what the library needs to publish so that they can.</p>"
                ),
                _heading("AI literacy"),
                _text(
                    "<p>Generative AI is now part of how patrons search and write. The courses explain in plain "
                    "language how large language models produce text, why they invent references, and what that "
                    "means for reference work, plagiarism policies and privacy. You will build a short session "
                    "that helps patrons use these tools with their eyes open.</p>"
                ),
                _heading("Open science and community engagement"),
                _text(
                    "<p>Open science is more than open access: it includes open data, open methods and citizen "
                    "science, and libraries are often where it is put into practice. The last part of the track "
                    "turns outwards: how to find out what your community needs, involve people in planning "
                    "services, and report the library's impact in terms that funders and local councils "
                    "understand.</p>"
                ),
                _reading(
                    "Further reading",
                    [
                        (
                            "UNESCO. Recommendation on Open Science. 2021.",
                            "https://unesdoc.unesco.org/ark:/48223/pf0000379949",
                            "",
                        ),
                        (
                            "Wilkinson, M. D. et al. The FAIR Guiding Principles for scientific data management and "
                            "stewardship. Scientific Data 3, 160018 (2016).",
                            "https://doi.org/10.1038/sdata.2016.18",
                            "",
                        ),
                        (
                            "IFLA. Statement on Libraries and Artificial Intelligence. 2020.",
                            "",
                            "",
                        ),
                    ],
                ),
            ],
        },
        "ru": {
            "title": "Навыки будущего для библиотекарей",
            "intro": "Данные, цифровая гуманитаристика, грамотность в области ИИ, открытая наука и работа с "
            "сообществом: навыки, которых библиотеки теперь ждут от сотрудников.",
            "audience": "Сотрудники вузовских, научных и публичных библиотек, которые хотят поддерживать новые "
            "услуги, и руководители, планирующие развитие своей команды.",
            "search_description": "Обучение работе с данными, цифровой гуманитаристике, грамотности в области ИИ, "
            "открытой науке и работе с сообществом для библиотекарей.",
            "body": [
                _text(
                    "<p>Вакансии для библиотекарей выглядят не так, как десять лет назад. Университетам нужны "
                    "люди, которые могут консультировать исследователей по планам управления данными и "
                    "открытому доступу; публичным библиотекам — сотрудники, способные объяснить, как работает "
                    "чат-бот, и вести клуб цифровых навыков; каждой библиотеке нужно показывать своему "
                    "сообществу ценность своей работы. Это направление собирает такие навыки в одном месте и "
                    "делает упор на практику.</p>"
                ),
                _heading("Данные и цифровая гуманитаристика"),
                _text(
                    "<p>Вы научитесь читать план управления данными и давать к нему полезные комментарии, "
                    "описывать набор данных так, чтобы другие могли его найти и использовать повторно, и "
                    "приводить в порядок неаккуратные таблицы с помощью свободных инструментов, например "
                    "OpenRefine. Курсы по цифровой гуманитаристике рассматривают оцифрованные фонды как данные: "
                    "что с ними делают исследователи и что библиотеке нужно опубликовать, чтобы это стало "
                    "возможно.</p>"
                ),
                _heading("Грамотность в области ИИ"),
                _text(
                    "<p>Генеративный ИИ стал частью того, как читатели ищут и пишут. Курсы простым языком "
                    "объясняют, как большие языковые модели порождают текст, почему они выдумывают ссылки и что "
                    "это значит для справочной работы, правил о плагиате и защиты личных данных. Вы подготовите "
                    "короткое занятие, которое поможет читателям пользоваться этими инструментами "
                    "осознанно.</p>"
                ),
                _heading("Открытая наука и работа с сообществом"),
                _text(
                    "<p>Открытая наука — это больше, чем открытый доступ: она включает открытые данные, открытые "
                    "методы и гражданскую науку, и воплощается она часто именно в библиотеках. Последняя часть "
                    "направления обращена вовне: как узнать, что нужно вашему сообществу, вовлечь людей в "
                    "планирование услуг и рассказать о пользе библиотеки так, чтобы это поняли спонсоры и "
                    "местные власти.</p>"
                ),
                _reading(
                    "Что почитать",
                    [
                        (
                            "ЮНЕСКО. Рекомендация об открытой науке. 2021.",
                            "https://unesdoc.unesco.org/ark:/48223/pf0000379949",
                            "",
                        ),
                        (
                            "Wilkinson, M. D. et al. The FAIR Guiding Principles for scientific data management and "
                            "stewardship. Scientific Data 3, 160018 (2016).",
                            "https://doi.org/10.1038/sdata.2016.18",
                            "Принципы FAIR: находимость, доступность, совместимость, повторное использование.",
                        ),
                        (
                            "ИФЛА. Заявление о библиотеках и искусственном интеллекте. 2020.",
                            "",
                            "",
                        ),
                    ],
                ),
            ],
        },
    },
    Track.ONLINE_GOVERNANCE: {
        "en": {
            "title": "Online governance",
            "intro": "Running a library association online: virtual general assemblies, e-voting rules, minutes "
            "and bylaws that allow both.",
            "audience": "Board members, secretaries and administrators of library associations, and members who "
            "want to understand how their association decides.",
            "search_description": "How to run a library association online: virtual general assemblies, e-voting, "
            "minutes and bylaws.",
            "body": [
                _text(
                    "<p>Most library associations are run by volunteers who live far apart. Meeting online makes it "
                    "possible for members from small towns to take part in decisions that used to be made by "
                    "whoever could travel to the capital. It also raises questions that a meeting in a room never "
                    "did: is a vote cast from home valid, who checks that only members voted, and what goes into "
                    "the minutes when half the assembly was on video?</p>"
                ),
                _heading("Virtual general assemblies"),
                _text(
                    "<p>You will learn to prepare an online or hybrid general assembly step by step: the notice "
                    "and agenda, registration of participants, checking the quorum, giving the floor fairly, "
                    "and what to do when the connection fails in the middle of a vote. The course includes a "
                    "checklist for the chair and the secretary, and a rehearsal you can run with your board.</p>"
                ),
                _heading("E-voting rules"),
                _text(
                    "<p>An electronic vote is only as good as the rules behind it. The track explains the "
                    "choices an association must make and write down: who is on the electoral roll and when it "
                    "is frozen, whether proxies are allowed, which majority each kind of decision needs, whether "
                    "votes are secret, and how the result is checked and published. You will compare your own "
                    "rules of procedure with a model set and see where they are silent.</p>"
                ),
                _heading("Minutes and bylaws"),
                _text(
                    "<p>Decisions made online must be recorded as carefully as those made in a room. You will "
                    "practise writing minutes that state the quorum, the motions and the results, and learn "
                    "which clauses of the bylaws usually need amending before an association may hold meetings "
                    "and votes online at all.</p>"
                ),
                _callout(
                    "warning",
                    "Check your national law",
                    "<p>Rules for associations differ from country to country. Use the model texts in this track "
                    "as a starting point and have the final wording of your bylaws checked against the law that "
                    "applies to your association.</p>",
                ),
            ],
        },
        "ru": {
            "title": "Онлайн-управление",
            "intro": "Как вести библиотечную ассоциацию онлайн: виртуальные общие собрания, правила электронного "
            "голосования, протоколы и устав, который всё это допускает.",
            "audience": "Члены правления, секретари и администраторы библиотечных ассоциаций, а также члены, "
            "которые хотят понимать, как их ассоциация принимает решения.",
            "search_description": "Как вести библиотечную ассоциацию онлайн: виртуальные общие собрания, "
            "электронное голосование, протоколы и устав.",
            "body": [
                _text(
                    "<p>Большинством библиотечных ассоциаций руководят добровольцы, живущие далеко друг от друга. "
                    "Онлайн-собрания позволяют членам из небольших городов участвовать в решениях, которые раньше "
                    "принимали те, кто мог приехать в столицу. Но возникают вопросы, которых не было при встрече "
                    "в зале: действителен ли голос, поданный из дома, кто проверяет, что голосовали только члены, "
                    "и что записать в протокол, если половина собрания была на видеосвязи?</p>"
                ),
                _heading("Виртуальные общие собрания"),
                _text(
                    "<p>Вы научитесь шаг за шагом готовить онлайн- или гибридное общее собрание: уведомление и "
                    "повестку, регистрацию участников, проверку кворума, справедливое предоставление слова и "
                    "действия на случай, если связь прервётся посреди голосования. В курс входят памятка для "
                    "председателя и секретаря и репетиция, которую можно провести с правлением.</p>"
                ),
                _heading("Правила электронного голосования"),
                _text(
                    "<p>Электронное голосование хорошо ровно настолько, насколько хороши его правила. Направление "
                    "объясняет, что ассоциация должна решить и записать: кто входит в список голосующих и когда "
                    "он фиксируется, допускаются ли доверенности, какое большинство нужно для каждого вида "
                    "решений, тайное ли голосование и как проверяются и публикуются итоги. Вы сравните свой "
                    "регламент с типовым и увидите, о чём он умалчивает.</p>"
                ),
                _heading("Протоколы и устав"),
                _text(
                    "<p>Решения, принятые онлайн, нужно фиксировать так же тщательно, как решения, принятые в "
                    "зале. Вы потренируетесь писать протоколы, в которых указаны кворум, предложения и итоги "
                    "голосования, и узнаете, какие положения устава обычно приходится менять, прежде чем "
                    "ассоциация вообще сможет проводить собрания и голосования онлайн.</p>"
                ),
                _callout(
                    "warning",
                    "Сверьтесь с законодательством своей страны",
                    "<p>Правила для ассоциаций различаются от страны к стране. Используйте типовые тексты этого "
                    "направления как отправную точку, а окончательную редакцию устава проверьте на соответствие "
                    "закону, который применяется к вашей ассоциации.</p>",
                ),
            ],
        },
    },
}

FOOTER = {
    "en": "<p>LIS Commons is run by library associations for library and information professionals. "
    "Course texts are published under <b>CC BY 4.0</b> unless stated otherwise.</p>",
    "ru": "<p>LIS Commons ведут библиотечные ассоциации для специалистов библиотечно-информационной сферы. "
    "Тексты курсов публикуются по лицензии <b>CC BY 4.0</b>, если не указано иное.</p>",
}
