#!/usr/bin/env python3
"""Deterministic synthetic data for sanctrack's benchmarks, in sanctrack's own JSONL (docs/FORMAT.md).

    python bench/generate.py OUT.jsonl [--events 200000] [--responses 67000] [--seed 1]

Everything comes from one ``random.Random(seed)``; there is no wall clock and no hash randomisation
(ids are sha1 of the seed and the record's index), so the same arguments give a byte-identical file.

What is in the file
-------------------
* ``--events`` events with 1-3 targets each.  Targets are drawn (mildly skewed) from a pool of
  ``--entities`` synthetic parties (default: 0.3 x events, i.e. 60,000 for 200k events): companies,
  persons (Russian, Chinese, Iranian/Arabic, Korean, Latin American), organisations, vessels, aircraft,
  government bodies and groups, some with aliases, some non-Latin names (Chinese, Cyrillic, Arabic,
  Hangul), each with a kind and a country.  Every name and alias in the pool is unique under a
  normalisation stricter than sanctrack's own (names.py) (case, accents, punctuation, legal-form and "Group/Holdings"
  words, word order), so entity resolution has one right answer: one pool entry = one entity.
* ONE hotspot entity, "Hotspot Industrial Holdings" (alias "HIH Group Holdings", company, CN), is a
  target in exactly ``--hotspot-events`` (1,000) events, named by its name or its alias in varied
  legal-form spellings (", Ltd.", " Limited", " Co., Ltd.", upper case...).
* ``--responses`` responses, each attached to a random event that carries an id; most follow their
  event closely, 15% are placed anywhere, so about 7% appear in the file BEFORE the event they answer
  (FORMAT.md allows references in either direction).
* Every record carries an explicit ``id`` (``ev-``/``rs-`` + 12 hex) except 10% of events, which have
  none; no response, ``in_response_to`` or ``counter_event_id`` points at those.  Events are unique by
  (date, authority, set of target entities), so events whose id is derived by sanctrack cannot merge.
* Dates are spread over 2000-01-01 .. 2026-06-30; ~5% are partial (year or month precision).

The file is streamed (the pool of entities and a few per-index integer tables are all that is kept in
memory).  Counts and the id of one event naming the hotspot go to stderr, and a sidecar
``OUT.jsonl.meta.json`` holds {events, responses, hotspot_name, hotspot_alias, sample_event_id,
sample_response_id, ...}.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import hashlib
import json
import os
import sys
import time
import unicodedata
from random import Random

HOTSPOT_NAME = "Hotspot Industrial Holdings"
HOTSPOT_ALIAS = "HIH Group Holdings"
HOTSPOT_NAME_SPELLINGS = [
    "Hotspot Industrial Holdings",
    "Hotspot Industrial Holdings, Ltd.",
    "Hotspot Industrial Holdings Limited",
    "Hotspot Industrial Holdings Ltd",
    "Hotspot Industrial Holdings Co., Ltd.",
    "HOTSPOT INDUSTRIAL HOLDINGS LIMITED",
    "Hotspot Industrial Holdings Company Limited",
]
HOTSPOT_ALIAS_SPELLINGS = [
    "HIH Group Holdings",
    "HIH Group Holdings, Ltd.",
    "HIH Group Holdings Limited",
    "HIH GROUP HOLDINGS LTD.",
]

# ---------------------------------------------------------------------------------------------
# Word lists
# ---------------------------------------------------------------------------------------------

CO_A = """Northern Southern Eastern Western Pacific Atlantic Baltic Caspian Arctic Golden Silver Crimson
Azure Emerald Sapphire Royal Imperial Grand Great United Allied Global Orient Meridian Horizon Summit
Pinnacle Apex Vertex Zenith Crescent Harbor Coastal Alpine Desert Steppe Amber Ivory Cobalt Onyx
Granite Cedar Maple Lotus Jade Pearl Coral Iron Steel Bright Swift Noble Prime Vanguard Titan Falcon
Phoenix Dragon Tiger Eagle Condor Orion Polaris Aurora Nova Stellar Lunar Solar""".split()

CO_B = """Star River Bridge Gate Crown Shield Arrow Wave Peak Valley Harbour Lake Stone Forge Link Path
Point Wing Light Line Way Field Tower Delta Ridge Port Bay Ocean Sea Sky Land Rock Sun Moon Wind Fire
Leaf Tree Spring Hill Crest Cape Isle Haven Glen Brook Coast Dune Mesa Canyon Fjord Reef Atoll Grove
Mountain Plain Lantern Compass Anchor Beacon""".split()

CO_SECTOR = """Shipping Petroleum Electronics Trading Logistics Machinery Chemical Mining Aviation Maritime
Technology Semiconductor Energy Metals Precision Optics Pharmaceutical Construction Engineering
Telecom Software Automotive Textile Agricultural Minerals Freight Navigation Instruments Components
Materials Systems Devices Dynamics Industries Resources Ventures Capital Investment Finance Security
Tankers Marine""".split()

CO_TAIL = ["", "", "", "", " Group", " Holdings", " International", " Corporation"]
LEGAL_FORMS = [
    " LLC", " Ltd.", " Limited", " Co., Ltd.", ", Ltd.", " JSC", " Inc.", ", Inc.", " Incorporated",
    " GmbH", " FZE", " FZCO", " S.A.", " PJSC", " LLP", " Pte. Ltd.", " Company Limited", " Co.",
    " Trading L.L.C.", " A.S.", "", "",
]
# words ignored by this generator's uniqueness key (a superset of what names.py strips)
WEAK_WORDS = {
    "group", "holdings", "holding", "international", "corporation", "corp", "company", "co", "ltd",
    "limited", "llc", "l", "c", "jsc", "inc", "incorporated", "gmbh", "fze", "fzco", "s", "a", "sa",
    "pjsc", "llp", "pte", "as", "trading", "ooo", "zao", "oao", "ao", "the", "of", "and", "plc",
}

# Chinese companies: (pinyin, hanzi)
CN_CITIES = [("Beijing", "北京"), ("Shanghai", "上海"), ("Shenzhen", "深圳"), ("Guangzhou", "广州"),
             ("Tianjin", "天津"), ("Chengdu", "成都"), ("Wuhan", "武汉"), ("Hangzhou", "杭州"),
             ("Nanjing", "南京"), ("Xiamen", "厦门"), ("Dalian", "大连"), ("Qingdao", "青岛"),
             ("Xian", "西安"), ("Harbin", "哈尔滨"), ("Changsha", "长沙"), ("Zhuhai", "珠海"),
             ("Ningbo", "宁波"), ("Suzhou", "苏州"), ("Hefei", "合肥"), ("Kunming", "昆明")]
CN_SYL = [("hua", "华"), ("xin", "信"), ("tong", "通"), ("da", "达"), ("hai", "海"), ("tian", "天"),
          ("long", "龙"), ("feng", "丰"), ("sheng", "盛"), ("yuan", "源"), ("heng", "恒"), ("kang", "康"),
          ("rui", "瑞"), ("jin", "金"), ("bo", "博"), ("chuang", "创"), ("zhi", "智"), ("cheng", "诚"),
          ("yong", "永"), ("xing", "兴"), ("ming", "明"), ("guang", "光"), ("an", "安"), ("tai", "泰"),
          ("hong", "宏"), ("wei", "威"), ("jia", "嘉"), ("fu", "富"), ("ding", "鼎"), ("yu", "宇"),
          ("kai", "凯"), ("chen", "辰"), ("ze", "泽"), ("lian", "联"), ("qi", "启"), ("shun", "顺")]
CN_SECTORS = [("Technology", "科技"), ("Electronics", "电子"), ("Trading", "贸易"), ("Shipping", "航运"),
              ("Logistics", "物流"), ("Semiconductor", "半导体"), ("Network", "网络"),
              ("Information Technology", "信息技术"), ("Precision Machinery", "精密机械"),
              ("Chemical", "化工"), ("Aerospace", "航空航天"), ("Optoelectronics", "光电"),
              ("New Materials", "新材料"), ("Energy", "能源"), ("Instruments", "仪器")]

# Russian companies: (latin, cyrillic)
RU_ADJ = [("Severny", "Северный"), ("Yuzhny", "Южный"), ("Vostochny", "Восточный"),
          ("Zapadny", "Западный"), ("Baltiysky", "Балтийский"), ("Uralsky", "Уральский"),
          ("Sibirsky", "Сибирский"), ("Volzhsky", "Волжский"), ("Nevsky", "Невский"),
          ("Tsentralny", "Центральный"), ("Pervy", "Первый"), ("Novy", "Новый"), ("Arktichesky", "Арктический"),
          ("Dalny", "Дальний"), ("Krasny", "Красный"), ("Zolotoy", "Золотой"), ("Stalnoy", "Стальной"),
          ("Morskoy", "Морской"), ("Tekhnichesky", "Технический"), ("Promyshlenny", "Промышленный")]
RU_NOUN = [("Tranzit", "Транзит"), ("Alyans", "Альянс"), ("Resurs", "Ресурс"), ("Impuls", "Импульс"),
           ("Vektor", "Вектор"), ("Signal", "Сигнал"), ("Standart", "Стандарт"), ("Kapital", "Капитал"),
           ("Potok", "Поток"), ("Marshrut", "Маршрут"), ("Kontur", "Контур"), ("Proekt", "Проект"),
           ("Sintez", "Синтез"), ("Element", "Элемент"), ("Gorizont", "Горизонт"), ("Meridian", "Меридиан"),
           ("Aktiv", "Актив"), ("Forpost", "Форпост"), ("Kristall", "Кристалл"), ("Parus", "Парус")]
RU_SUFFIX = [("Servis", "Сервис"), ("Trade", "Трейд"), ("Invest", "Инвест"), ("Tekh", "Тех"),
             ("Prom", "Пром"), ("Logistik", "Логистик"), ("Energo", "Энерго"), ("Snab", "Снаб"),
             ("Stroy", "Строй"), ("Mash", "Маш")]

# Persons
RU_FIRST = [("Ivan", "Иван"), ("Sergei", "Сергей"), ("Dmitry", "Дмитрий"), ("Alexei", "Алексей"),
            ("Nikolai", "Николай"), ("Mikhail", "Михаил"), ("Andrei", "Андрей"), ("Pavel", "Павел"),
            ("Yevgeny", "Евгений"), ("Oleg", "Олег"), ("Viktor", "Виктор"), ("Igor", "Игорь"),
            ("Vladimir", "Владимир"), ("Maksim", "Максим"), ("Roman", "Роман"), ("Denis", "Денис"),
            ("Anton", "Антон"), ("Boris", "Борис"), ("Gennady", "Геннадий"), ("Konstantin", "Константин"),
            ("Yuri", "Юрий"), ("Arkady", "Аркадий"), ("Anna", "Анна"), ("Elena", "Елена"),
            ("Olga", "Ольга"), ("Tatiana", "Татьяна"), ("Natalia", "Наталья"), ("Irina", "Ирина"),
            ("Svetlana", "Светлана"), ("Marina", "Марина")]
RU_PATRO = [("Sergeyevich", "Сергеевич"), ("Ivanovich", "Иванович"), ("Viktorovich", "Викторович"),
            ("Nikolayevich", "Николаевич"), ("Alexandrovich", "Александрович"),
            ("Petrovich", "Петрович"), ("Mikhailovich", "Михайлович"), ("Yurievich", "Юрьевич"),
            ("Borisovich", "Борисович"), ("Olegovich", "Олегович"), ("Andreyevich", "Андреевич"),
            ("Vladimirovich", "Владимирович"), ("Pavlovich", "Павлович"), ("Gennadievich", "Геннадьевич"),
            ("Dmitrievich", "Дмитриевич"), ("Anatolievich", "Анатольевич"), ("Leonidovich", "Леонидович"),
            ("Valerievich", "Валерьевич"), ("Igorevich", "Игоревич"), ("Romanovich", "Романович")]
RU_LAST = [("Petrov", "Петров"), ("Ivanov", "Иванов"), ("Smirnov", "Смирнов"), ("Kuznetsov", "Кузнецов"),
           ("Popov", "Попов"), ("Sokolov", "Соколов"), ("Lebedev", "Лебедев"), ("Kozlov", "Козлов"),
           ("Novikov", "Новиков"), ("Morozov", "Морозов"), ("Volkov", "Волков"), ("Solovyov", "Соловьёв"),
           ("Vasiliev", "Васильев"), ("Zaitsev", "Зайцев"), ("Pavlov", "Павлов"), ("Semyonov", "Семёнов"),
           ("Golubev", "Голубев"), ("Vinogradov", "Виноградов"), ("Bogdanov", "Богданов"),
           ("Vorobyov", "Воробьёв"), ("Fyodorov", "Фёдоров"), ("Mikhailov", "Михайлов"),
           ("Belyaev", "Беляев"), ("Tarasov", "Тарасов"), ("Belov", "Белов"), ("Komarov", "Комаров"),
           ("Orlov", "Орлов"), ("Kiselyov", "Киселёв"), ("Makarov", "Макаров"), ("Andreev", "Андреев"),
           ("Kovalyov", "Ковалёв"), ("Ilyin", "Ильин"), ("Gusev", "Гусев"), ("Titov", "Титов"),
           ("Kuzmin", "Кузьмин"), ("Kudryavtsev", "Кудрявцев"), ("Baranov", "Баранов"),
           ("Kulikov", "Куликов"), ("Alekseev", "Алексеев"), ("Stepanov", "Степанов"),
           ("Yakubets", "Якубец"), ("Romanov", "Романов"), ("Sorokin", "Сорокин"), ("Zakharov", "Захаров"),
           ("Zinoviev", "Зиновьев"), ("Grigoriev", "Григорьев"), ("Frolov", "Фролов"), ("Zhukov", "Жуков")]
CN_SURNAMES = [("Wang", "王"), ("Li", "李"), ("Zhang", "张"), ("Liu", "刘"), ("Chen", "陈"), ("Yang", "杨"),
               ("Huang", "黄"), ("Zhao", "赵"), ("Wu", "吴"), ("Zhou", "周"), ("Xu", "徐"), ("Sun", "孙"),
               ("Ma", "马"), ("Zhu", "朱"), ("Hu", "胡"), ("Guo", "郭"), ("He", "何"), ("Gao", "高"),
               ("Lin", "林"), ("Luo", "罗"), ("Zheng", "郑"), ("Liang", "梁"), ("Xie", "谢"), ("Song", "宋"),
               ("Tang", "唐"), ("Han", "韩"), ("Feng", "冯"), ("Deng", "邓"), ("Cao", "曹"), ("Peng", "彭")]
FA_FIRST = [("Mohammad", "محمد"), ("Ali", "علی"), ("Hossein", "حسین"), ("Reza", "رضا"), ("Mahdi", "مهدی"),
            ("Hassan", "حسن"), ("Abbas", "عباس"), ("Javad", "جواد"), ("Hamid", "حمید"), ("Saeed", "سعید"),
            ("Majid", "مجید"), ("Amir", "امیر"), ("Mostafa", "مصطفی"), ("Ebrahim", "ابراهیم"),
            ("Kazem", "کاظم"), ("Nasser", "ناصر"), ("Behrouz", "بهروز"), ("Farhad", "فرهاد"),
            ("Masoud", "مسعود"), ("Yousef", "یوسف"), ("Ahmad", "احمد"), ("Karim", "کریم"),
            ("Zahra", "زهرا"), ("Maryam", "مریم"), ("Fatemeh", "فاطمه")]
FA_LAST = [("Hosseini", "حسینی"), ("Mousavi", "موسوی"), ("Rezaei", "رضایی"), ("Ahmadi", "احمدی"),
           ("Karimi", "کریمی"), ("Jafari", "جعفری"), ("Sadeghi", "صادقی"), ("Rahimi", "رحیمی"),
           ("Hashemi", "هاشمی"), ("Ghorbani", "قربانی"), ("Mohammadi", "محمدی"), ("Kazemi", "کاظمی"),
           ("Tehrani", "تهرانی"), ("Shirazi", "شیرازی"), ("Esfahani", "اصفهانی"), ("Tabrizi", "تبریزی"),
           ("Zarei", "زارعی"), ("Nouri", "نوری"), ("Salehi", "صالحی"), ("Bagheri", "باقری"),
           ("Soleimani", "سلیمانی"), ("Abbasi", "عباسی"), ("Heidari", "حیدری"), ("Najafi", "نجفی"),
           ("Akbari", "اکبری"), ("Ebrahimi", "ابراهیمی"), ("Ghasemi", "قاسمی"), ("Asadi", "اسدی"),
           ("Mirzaei", "میرزایی"), ("Farahani", "فراهانی"), ("Nazari", "نظری"), ("Amini", "امینی")]
KO_SURNAMES = [("Kim", "김"), ("Ri", "리"), ("Pak", "박"), ("Choe", "최"), ("Jong", "정"), ("Kang", "강"),
               ("Han", "한"), ("Jo", "조"), ("Yun", "윤"), ("Jang", "장"), ("Rim", "림"), ("O", "오"),
               ("So", "서"), ("Sin", "신"), ("Kwon", "권")]
KO_SYL = [("Chol", "철"), ("Song", "성"), ("Il", "일"), ("Yong", "영"), ("Myong", "명"), ("Hyok", "혁"),
          ("Su", "수"), ("Nam", "남"), ("Jin", "진"), ("Hui", "희"), ("Gwang", "광"), ("Chun", "춘"),
          ("Ho", "호"), ("Min", "민"), ("Hak", "학"), ("Ung", "웅"), ("Sok", "석"), ("Kyong", "경"),
          ("Thae", "태"), ("Un", "은"), ("Guk", "국"), ("Bok", "복"), ("Dok", "덕"), ("Ryong", "룡")]
LA_FIRST = """Carlos José Luis Miguel Jorge Alejandro Rafael Andrés Fernando Ricardo Eduardo Héctor
Manuel Pedro Álvaro Diego Gustavo Nicolás Tareck Delcy María Ana Lucía Gabriela Verónica""".split()
LA_SECOND = """Alberto Antonio Enrique Ramón Ernesto Javier Ignacio Francisco Augusto Rodolfo Elena
Isabel Teresa Carmen Alejandra""".split()
LA_LAST = """Ramírez González Rodríguez Martínez Hernández López Pérez Sánchez Díaz Torres Flores Rivera
Gómez Morales Ortiz Castillo Romero Suárez Vargas Mendoza Guzmán Salazar Rojas Medina Aguilar Herrera
Castro Jiménez Ruiz Álvarez Cabello Maduro Saab Padrino Carvajal Zerpa Bastidas Quintero Villegas
Ochoa Benítez Arreaza Colmenares Fuentes Delgado""".split()

ORG_NOUN = ["Research Institute", "Foundation", "Academy", "Institute of Applied Physics",
            "Scientific Center", "Design Bureau", "Cultural Association", "Charitable Trust",
            "Development Fund", "Union", "Society", "Laboratory", "Training Center", "Cooperative"]
GROUP_ADJ = """Silk Salt Volt Flax Crimson Charcoal Velvet Fancy Cozy Midnight Sandworm Lazarus Kimsuky
Andariel Turla Gamaredon Emerald Granite Cobalt Storm Ember Ashen Hollow Frozen Silent Shadow Iron
Obsidian Scarlet Phantom Rusty Copper Static Mint Sapphire Jade Opal Quartz Slate Lunar Nimbus Cinder
Blizzard Mirage Echo Vortex Tundra Thunder Solstice Umbra Nether Ochre Magenta Teal Indigo""".split()
GROUP_NOUN = """Typhoon Bear Panda Kitten Chollima Spider Tempest Blizzard Sleet Sandstorm Hurricane
Cyclone Monsoon Squall Gale Tornado Hail Fog Jackal Viper Cobra Raven Hydra Kraken Mantis Wolf Lynx
Hornet Scorpion Falcon Owl Heron Dragon Leopard Jaguar Badger Otter Marten""".split()
GROUP_SUFFIX = ["Team", "Collective", "Brigade", "Network", "Front", "Battalion", "Cell", "Crew"]
GOV_HEAD = ["Ministry", "Directorate", "State Committee", "Bureau", "Department", "Agency", "Office",
            "Administration", "Council"]
GOV_DOMAIN = ["Defence Industry", "Intelligence", "Internal Security", "Oil", "Mines and Metals",
              "Military Procurement", "Information Security", "Atomic Energy", "Foreign Trade",
              "Shipbuilding", "Aerospace Industry", "Strategic Goods", "Communications", "Customs",
              "State Security", "Electronic Warfare", "Ballistic Research", "Naval Logistics",
              "Export Promotion", "Special Projects", "Radio-Electronic Industry", "Missile Programs",
              "Reconnaissance", "Cyber Operations", "Industrial Cooperation", "Precious Metals",
              "Maritime Affairs", "Civil Aviation", "Energy Exports", "Public Order"]
GOV_STATE = ["Islamic Republic of Iran", "Russian Federation", "DPRK", "Syrian Arab Republic",
             "Republic of Belarus", "Bolivarian Republic of Venezuela", "Republic of Cuba", "Myanmar",
             "Republic of Nicaragua", "Eritrea", "Republic of Mali", "Sudan", "Libya", "Zimbabwe",
             "Crimea Region", "Donetsk Region", "Luhansk Region", "Zaporizhzhia Region",
             "Kherson Region", "Republic of South Sudan", "Central African Republic", "Yemen", "Iraq",
             "Lebanon", "Afghanistan"]
VESSEL_A = """Ocean Sea Blue Golden Silver Grand Star Pacific Atlantic Arctic Royal Lucky Happy Eternal
Great Bright Noble Swift Crystal Diamond Pearl Coral Jade Ruby Emerald Amber Sunny Rainbow Harmony
Unity Liberty Fortune Glory Victory Prosperity Serenity Horizon Aurora Neptune Poseidon Triton""".split()
VESSEL_B = """Wave Spirit Dream Pioneer Voyager Explorer Navigator Carrier Trader Queen King Prince
Princess Venture Express Hope Light Wind Breeze Tide Current Dawn Sunrise Moon Whale Dolphin Falcon
Eagle Swan Lion Tiger Phoenix Dragon Legend Glory Pride Jewel Treasure""".split()
VESSEL_NUM = ["", "", "", " I", " II", " III", " IV", " V", " 1", " 2", " 3", " 7", " 8", " 9", " 11", " 88"]
AIRCRAFT_MODELS = ["Airbus A310-304", "Airbus A320-214", "Airbus A340-642", "Boeing 747-422",
                   "Boeing 737-800", "Boeing 777-200ER", "Ilyushin Il-76TD", "Tupolev Tu-204",
                   "Antonov An-124-100", "Sukhoi Superjet 100-95", "Bombardier Global 6000",
                   "Gulfstream G650", "Dassault Falcon 7X"]
AIRCRAFT_PREFIX = ["EP-", "RA-", "YK-", "P-", "YV-", "EW-", "9K-", "HZ-"]
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

PERSON_COUNTRY = {"ru": "RU", "cn": "CN", "fa": "IR", "ko": "KP", "la": "VE"}
COMPANY_COUNTRIES = ["CN", "HK", "RU", "IR", "AE", "TR", "SG", "MY", "BY", "KP", "SY", "VE", "IN",
                     "KZ", "AM", "GE", "TH", "LB", "IQ", "CY", "PA", "MH", "LR", "UZ", "KG", "RS"]
VESSEL_FLAGS = ["PA", "LR", "MH", "KM", "CM", "GA", "SL", "TZ", "MN", "TG", "IR", "KP", "RU", "HK"]

# Authorities: (authority, jurisdiction, weight, [(program, legal_basis)], source url template)
AUTHORITIES = [
    ("US Department of the Treasury, OFAC", "US", 30, [
        ("CYBER2", "E.O. 13694, as amended"), ("CYBER2", "E.O. 13694, as amended by E.O. 13757"),
        ("RUSSIA-EO14024", "E.O. 14024"), ("SDGT", "E.O. 13224, as amended"),
        ("IRAN", "E.O. 13846"), ("NPWMD", "E.O. 13382"), ("DPRK3", "E.O. 13722"),
        ("SDNTK", "Foreign Narcotics Kingpin Designation Act"), ("GLOMAG", "E.O. 13818"),
        ("VENEZUELA-EO13850", "E.O. 13850"), ("UKRAINE-EO13662", "E.O. 13662"),
        ("SYRIA", "E.O. 13582"), ("BELARUS-EO14038", "E.O. 14038"), ("ILLICIT-DRUGS-EO14059", "E.O. 14059"),
        ("CAATSA - RUSSIA", "CAATSA Section 231"), ("HK-EO13936", "E.O. 13936")],
     "https://home.treasury.gov/news/press-releases/{tr}"),
    ("US Department of Commerce, BIS", "US", 6, [
        ("Entity List", "15 CFR Part 744, Supplement No. 4"),
        ("Military End-User List", "15 CFR Part 744, Supplement No. 7")],
     "https://www.federalregister.gov/documents/{y}/{m}/{d}/{n}/additions-to-the-entity-list"),
    ("US Department of State", "US", 4, [
        ("INKSNA", "Iran, North Korea, and Syria Nonproliferation Act"),
        ("CAATSA", "CAATSA Section 224"), ("Section 7031(c)", "Section 7031(c), SFOAA")],
     "https://www.state.gov/sanctions-announcement-{n}"),
    ("UK FCDO", "GB", 10, [
        ("Cyber (Sanctions) (EU Exit) Regulations 2020", "The Cyber (Sanctions) (EU Exit) Regulations 2020"),
        ("Russia (Sanctions) (EU Exit) Regulations 2019", "The Russia (Sanctions) (EU Exit) Regulations 2019"),
        ("Global Human Rights Sanctions Regulations 2020", "The Global Human Rights Sanctions Regulations 2020"),
        ("Iran (Sanctions) Regulations 2023", "The Iran (Sanctions) Regulations 2023"),
        ("Global Anti-Corruption Sanctions Regulations 2021", "The Global Anti-Corruption Sanctions Regulations 2021")],
     "https://www.gov.uk/government/news/uk-sanctions-{slug}"),
    ("HM Treasury, OFSI", "GB", 3, [
        ("Russia (Sanctions) (EU Exit) Regulations 2019", "The Russia (Sanctions) (EU Exit) Regulations 2019"),
        ("ISIL (Da'esh) and Al-Qaida", "The ISIL (Da'esh) and Al-Qaida (United Nations Sanctions) (EU Exit) Regulations 2019")],
     "https://www.gov.uk/government/publications/financial-sanctions-notice-{n}"),
    ("Council of the EU", "EU", 14, [
        ("EU cyber sanctions regime", "Council Regulation (EU) 2019/796"),
        ("Russia/Ukraine territorial integrity", "Council Regulation (EU) No 269/2014"),
        ("EU Global Human Rights Sanctions Regime", "Council Regulation (EU) 2020/1998"),
        ("Iran", "Council Regulation (EU) No 267/2012"), ("Belarus", "Council Regulation (EC) No 765/2006"),
        ("Syria", "Council Regulation (EU) No 36/2012"), ("Myanmar/Burma", "Council Regulation (EU) No 401/2013")],
     "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:3{y}R{n4}"),
    ("UN Security Council", "UN", 5, [
        ("ISIL (Da'esh) and Al-Qaida", "UNSC Resolution 1267 (1999), 1989 (2011) and 2253 (2015)"),
        ("DPRK", "UNSC Resolution 1718 (2006)"), ("Libya", "UNSC Resolution 1970 (2011)"),
        ("Yemen", "UNSC Resolution 2140 (2014)"), ("Al-Shabaab", "UNSC Resolution 751 (1992)"),
        ("Haiti", "UNSC Resolution 2653 (2022)")],
     "https://press.un.org/en/{y}/sc{n5}.doc.htm"),
    ("PRC Ministry of Commerce", "CN", 4, [
        ("Unreliable Entity List", "Provisions on the Unreliable Entity List"),
        ("Export Control Control List", "Export Control Law of the People's Republic of China")],
     "http://www.mofcom.gov.cn/article/zwgk/gkzcfb/{y}{m}/{y}{m}{d}{n3}.shtml"),
    ("PRC Ministry of Foreign Affairs", "CN", 2, [
        ("Countermeasures", "Anti-Foreign Sanctions Law of the People's Republic of China")],
     "https://www.mfa.gov.cn/wjbxw/{y}{m}/t{y}{m}{d}_{n}.shtml"),
    ("Russian Ministry of Foreign Affairs", "RU", 3, [
        ("Stop list", "Federal Law No. 127-FZ"), ("Countermeasures", "Presidential Decree No. 81")],
     "https://mid.ru/en/foreign_policy/news/{n7}/"),
    ("Australian Department of Foreign Affairs and Trade", "AU", 4, [
        ("Autonomous Sanctions (Russia, Crimea and Sevastopol)", "Autonomous Sanctions Regulations 2011"),
        ("Thematic cyber sanctions", "Autonomous Sanctions Regulations 2011, reg 6A")],
     "https://www.dfat.gov.au/news/media-release/sanctions-{slug}"),
    ("Global Affairs Canada", "CA", 4, [
        ("Special Economic Measures (Russia) Regulations", "Special Economic Measures Act"),
        ("Justice for Victims of Corrupt Foreign Officials Regulations", "Justice for Victims of Corrupt Foreign Officials Act")],
     "https://www.canada.ca/en/global-affairs/news/{y}/{m}/canada-imposes-sanctions-{slug}.html"),
    ("Ministry of Finance Japan", "JP", 3, [
        ("Asset freeze", "Foreign Exchange and Foreign Trade Act")],
     "https://www.mof.go.jp/english/policy/international_policy/gaitame_kawase/gaitame/economic_sanctions/{y}{m}{d}.html"),
    ("Swiss SECO", "CH", 2, [
        ("Ukraine-related measures", "Ordinance of 4 March 2022 on measures in connection with the situation in Ukraine")],
     "https://www.seco.admin.ch/seco/en/home/Aussenwirtschaftspolitik_Wirtschaftliche_Zusammenarbeit/sanktionen-{n}.html"),
]
AUTH_CUM = []
_c = 0
for _a in AUTHORITIES:
    _c += _a[2]
    AUTH_CUM.append(_c)

ACTIONS = [("designation", 85), ("delisting", 7), ("amendment", 5), ("renewal", 2), ("other", 1)]
KINDS = [("company", 44), ("person", 34), ("organization", 6), ("vessel", 6), ("group", 3),
         ("government-body", 3), ("aircraft", 2), (None, 2)]

CONDUCT = [
    "malicious cyber activity against {sector} networks in {place}",
    "operating in the {sector} sector of the Russian Federation economy",
    "procurement of dual-use {goods} for ballistic missile programs",
    "supplying {goods} to the defence industrial base of {place}",
    "facilitating the shipment of {goods} in breach of export controls",
    "providing financial services to designated persons in {place}",
    "evasion of the oil price cap through ship-to-ship transfers off {place}",
    "serious human rights abuses against protesters in {place}",
    "botnet operations compromising {sector} devices in {place}",
    "ransomware attacks on {sector} providers in {place}",
    "laundering proceeds of {goods} smuggling through front companies in {place}",
    "support for terrorist financing networks operating in {place}",
    "undermining democratic processes and the rule of law in {place}",
    "acquisition of {goods} for unmanned aerial vehicle production",
    "concealing the origin of {goods} cargoes bound for {place}",
    "involvement in significant corruption in {place}",
]
SECTORS_TXT = ["critical infrastructure", "telecommunications", "energy", "water utility", "healthcare",
               "financial", "defence", "government", "transport", "semiconductor", "aviation", "maritime"]
GOODS = ["microelectronics", "machine tools", "aircraft parts", "petroleum products", "ball bearings",
         "carbon fibre", "navigation modules", "drone engines", "night-vision optics", "precursor chemicals",
         "gold", "crude oil", "LNG equipment", "radar components", "gyroscopes", "software licences"]
PLACES = ["the United States", "the United Kingdom", "Ukraine", "the Red Sea", "the Strait of Hormuz",
          "the Gulf of Oman", "Belarus", "Iran", "North Korea", "Syria", "Venezuela", "Myanmar", "Europe",
          "Hong Kong", "the South China Sea", "Taiwan", "Crimea", "Malaysia", "the Baltic Sea", "Africa"]
ACTION_VERB = {"designation": "designated", "delisting": "removed from its sanctions list",
               "amendment": "amended the listing of", "renewal": "renewed measures against",
               "other": "took action concerning"}
TAGS = ["cyber", "russia", "iran", "dprk", "oil", "shadow-fleet", "human-rights", "terrorism", "narcotics",
        "semiconductors", "flax-typhoon", "ransomware", "apt", "procurement", "maritime", "crypto",
        "export-controls", "uav", "corruption", "belarus", "syria", "venezuela", "gold", "botnet"]

# Responders
GOV_RESPONDERS = {
    "CN": [("PRC Ministry of Foreign Affairs", ["Guo Jiakun", "Mao Ning", "Lin Jian", "Wang Wenbin",
                                                "Zhao Lijian", "Hua Chunying", "Geng Shuang"]),
           ("PRC Ministry of Commerce", ["He Yadong", "Shu Jueting", "He Yongqian"]),
           ("Chinese Embassy in the United States", ["Liu Pengyu"]),
           ("Chinese Embassy in the United Kingdom", [None])],
    "RU": [("Russian Ministry of Foreign Affairs", ["Maria Zakharova", "Sergei Ryabkov", "Sergei Lavrov"]),
           ("Kremlin", ["Dmitry Peskov"]), ("Russian Embassy in the United States", ["Anatoly Antonov"])],
    "IR": [("Iranian Ministry of Foreign Affairs", ["Nasser Kanaani", "Esmaeil Baghaei", "Saeed Khatibzadeh"])],
    "KP": [("KCNA", [None]), ("DPRK Ministry of Foreign Affairs", [None, "Kim Yo Jong"])],
    "BY": [("Belarusian Ministry of Foreign Affairs", ["Anatoly Glaz"])],
    "VE": [("Venezuelan Ministry of Foreign Affairs", ["Yván Gil"])],
    "SY": [("Syrian Ministry of Foreign Affairs", [None])],
}
ALLY_RESPONDERS = [("EU High Representative", "EU", ["Josep Borrell", "Kaja Kallas"]),
                   ("UK Foreign Secretary", "GB", [None]),
                   ("US Department of State", "US", ["Matthew Miller", "Ned Price"]),
                   ("Ukrainian Ministry of Foreign Affairs", "UA", ["Dmytro Kuleba", "Andrii Sybiha"])]
# stance -> [(language, quote)]; a responder quotes in English or in its country's language
QUOTES = {
    "rejects": [("en", "We firmly oppose these illegal unilateral sanctions and so-called long-arm jurisdiction."),
                ("en", "We reject these groundless accusations and the politicised misuse of sanctions."),
                ("zh", "中方坚决反对美方的非法单边制裁和长臂管辖。"),
                ("zh", "美方应立即停止对中国企业的无理打压。"),
                ("ru", "Эти незаконные санкции не останутся без ответа."),
                ("ru", "Мы отвергаем беспочвенные обвинения в наш адрес."),
                ("fa", "ما این اتهامات بی‌اساس را قاطعانه رد می‌کنیم."),
                ("es", "Rechazamos categóricamente estas medidas coercitivas unilaterales e ilegales.")],
    "denies": [("en", "The company has never engaged in any of the activities alleged."),
               ("en", "We categorically deny any involvement in the conduct described."),
               ("en", "The allegations are without foundation and we will defend our reputation."),
               ("zh", "公司从未从事任何相关违法活动，对此表示强烈不满。"),
               ("ru", "Компания никогда не участвовала в подобной деятельности."),
               ("fa", "این شرکت هیچ‌گونه دخالتی در فعالیت‌های ادعا شده نداشته است.")],
    "condemns": [("en", "We strongly condemn this hostile and unlawful move."),
                 ("en", "This decision is a gross interference in our internal affairs."),
                 ("zh", "中方对此表示强烈不满和坚决反对，已向有关方面提出严正交涉。"),
                 ("ru", "Мы решительно осуждаем этот враждебный шаг."),
                 ("fa", "این تحریم‌ها غیرقانونی و محکوم است."),
                 ("ar", "إن هذه العقوبات غير قانونية وتشكل انتهاكا للقانون الدولي."),
                 ("ko", "우리는 이 적대적인 제재 조치를 강력히 규탄한다.")],
    "threatens": [("en", "We will take resolute measures to safeguard the legitimate rights and interests of our companies."),
                  ("en", "We reserve the right to take countermeasures."),
                  ("zh", "中方将采取坚决措施，维护自身正当权益。"),
                  ("ru", "Мы примем ответные меры."),
                  ("ko", "우리는 이에 상응하는 대응 조치를 취할 것이다.")],
    "complies": [("en", "The company will cooperate fully with the relevant authorities."),
                 ("en", "We have suspended the affected business and are reviewing our compliance procedures."),
                 ("zh", "公司将积极配合相关部门的工作，目前生产经营正常。")],
    "welcomes": [("en", "We welcome this coordinated action by our partners."),
                 ("en", "These sanctions send a clear message that such conduct has consequences."),
                 ("en", "We stand with our allies in holding those responsible to account."),
                 ("uk", "Вітаємо це рішення наших партнерів.")],
    "neutral": [("en", "We have taken note of the reports and are assessing the impact."),
                ("en", "The company is evaluating the announcement and will disclose further information as required."),
                ("zh", "公司目前生产经营正常，将及时履行信息披露义务。")],
}
LANG_OF = {"CN": "zh", "HK": "zh", "RU": "ru", "BY": "ru", "KZ": "ru", "IR": "fa", "SY": "ar", "LB": "ar",
           "IQ": "ar", "KP": "ko", "VE": "es", "UA": "uk"}
KIND_PHRASE = {"statement": "a statement", "press-conference": "remarks at a press conference",
               "diplomatic-protest": "a diplomatic protest", "filing": "a regulatory filing",
               "legal-challenge": "a legal challenge", "countermeasure": "countermeasures",
               "other": "a reaction"}
STANCE_FOR = {
    "target": [("denies", 40), ("rejects", 20), ("complies", 15), ("neutral", 20), (None, 5)],
    "gov": [("rejects", 40), ("condemns", 30), ("threatens", 20), ("neutral", 5), (None, 5)],
    "ally": [("welcomes", 80), ("neutral", 15), (None, 5)],
}
KIND_FOR = {
    "target": [("statement", 45), ("filing", 35), ("legal-challenge", 15), ("other", 5)],
    "gov": [("press-conference", 45), ("statement", 30), ("diplomatic-protest", 12),
            ("countermeasure", 8), ("other", 5)],
    "ally": [("statement", 85), ("press-conference", 15)],
}

DATE_LO = dt.date(2000, 1, 1).toordinal()
DATE_HI = dt.date(2026, 6, 30).toordinal()


# ---------------------------------------------------------------------------------------------

def wchoice(rng: Random, pairs):
    total = 0
    for _, w in pairs:
        total += w
    x = rng.random() * total
    for v, w in pairs:
        x -= w
        if x < 0:
            return v
    return pairs[-1][0]


def make_id(prefix: str, seed: int, index: int, salt: int = 0) -> str:
    h = hashlib.sha1(f"sanctrack-bench:{seed}:{prefix}:{index}:{salt}".encode()).hexdigest()
    return f"{prefix}-{h[:12]}"


def norm_key(name: str) -> str:
    """Strict uniqueness key: no accents, no case, no punctuation, no legal-form/weak words, sorted."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).casefold()
    s = "".join(ch if ch.isalnum() else " " for ch in s)
    toks = [t for t in s.split() if t not in WEAK_WORDS]
    return " ".join(sorted(toks))


class Pool:
    """Synthetic parties; every name and alias is unique under norm_key across the whole pool."""

    def __init__(self, rng: Random, size: int):
        self.rng = rng
        self.keys = {norm_key(HOTSPOT_NAME), norm_key(HOTSPOT_ALIAS), "hih", "hotspot"}
        self.entities: list[tuple] = []  # (name, aliases tuple, kind, country)
        while len(self.entities) < size:
            kind = wchoice(rng, KINDS)
            ent = None
            for _ in range(20):
                ent = self._make(kind)
                if ent is not None:
                    break
            if ent is None:  # this kind's space is crowded; a company always fits
                while ent is None:
                    ent = self._make("company")
            self.entities.append(ent)

    def _claim(self, *names) -> bool:
        ks = [norm_key(n) for n in names]
        if any(not k or k in self.keys for k in ks) or len(set(ks)) != len(ks):
            return False
        self.keys.update(ks)
        return True

    def _make(self, kind):
        r = self.rng
        if kind in ("company", None):
            country = r.choice(COMPANY_COUNTRIES) if kind else (None if r.random() < 0.5 else r.choice(COMPANY_COUNTRIES))
            if country == "CN" and r.random() < 0.7:
                (cp, ch), (s1p, s1h), (s2p, s2h), (sp, sh) = (r.choice(CN_CITIES), r.choice(CN_SYL),
                                                             r.choice(CN_SYL), r.choice(CN_SECTORS))
                if s1p == s2p:
                    return None
                latin_core = f"{cp} {s1p.capitalize()}{s2p} {sp}"
                han_core = f"{ch}{s1h}{s2h}{sh}"
                latin = latin_core + r.choice([" Co., Ltd.", " Company Limited", " Co., Ltd", " Group Co., Ltd."])
                han = han_core + r.choice(["有限公司", "股份有限公司", "集团有限公司"])
                if not self._claim(latin_core, han_core):
                    return None
                v = r.random()
                if v < 0.1:
                    return (han, (latin,), kind, country)  # non-Latin primary name
                if v < 0.7:
                    return (latin, (han,), kind, country)
                return (latin, (), kind, country)
            if country == "RU" and r.random() < 0.7:
                (al, ac), (nl, nc), (sl, sc) = r.choice(RU_ADJ), r.choice(RU_NOUN), r.choice(RU_SUFFIX)
                latin_core, cyr_core = f"{al} {nl}-{sl}", f"{ac} {nc}-{sc}"
                form_l, form_c = r.choice([("LLC", "ООО"), ("JSC", "АО"), ("OOO", "ООО"), ("AO", "АО")])
                if not self._claim(latin_core, cyr_core):
                    return None
                latin = f"{form_l} {latin_core}" if r.random() < 0.3 else f"{latin_core} {form_l}"
                cyr = f"{form_c} «{cyr_core}»"
                v = r.random()
                if v < 0.1:
                    return (cyr, (latin,), kind, country)
                if v < 0.6:
                    return (latin, (cyr,), kind, country)
                return (latin, (), kind, country)
            core = f"{r.choice(CO_A)} {r.choice(CO_B)} {r.choice(CO_SECTOR)}"
            name = core + r.choice(CO_TAIL) + r.choice(LEGAL_FORMS)
            if r.random() < 0.12:  # formerly known as ...
                alt = f"{r.choice(CO_A)} {r.choice(CO_B)} {r.choice(CO_SECTOR)}"
                if not self._claim(core, alt):
                    return None
                return (name, (alt + r.choice(LEGAL_FORMS),), kind, country)
            if not self._claim(core):
                return None
            return (name, (), kind, country)
        if kind == "person":
            culture = wchoice(r, [("ru", 35), ("cn", 20), ("fa", 20), ("ko", 10), ("la", 15)])
            country = PERSON_COUNTRY[culture] if r.random() < 0.9 else r.choice(COMPANY_COUNTRIES)
            alias = None
            if culture == "ru":
                (fl, fc), (pl, pc), (ll, lc) = r.choice(RU_FIRST), r.choice(RU_PATRO), r.choice(RU_LAST)
                if fl in ("Anna", "Elena", "Olga", "Tatiana", "Natalia", "Irina", "Svetlana", "Marina"):
                    pl, pc = pl[:-3] + "na", pc[:-3] + "на"  # -vich -> -vna, -вич -> -вна
                    ll, lc = ll + "a", lc + "а"
                name = f"{fl} {pl} {ll}"
                cyr = f"{lc} {fc} {pc}"
                if not self._claim(name, cyr):
                    return None
                shown = f"{ll.upper()}, {fl} {pl}" if r.random() < 0.3 else name  # OFAC style sometimes
                alias = cyr if r.random() < 0.5 else None
                return (shown, (alias,) if alias else (), "person", country)
            if culture == "cn":
                (sp, sh), (a, ah), (b, bh) = r.choice(CN_SURNAMES), r.choice(CN_SYL), r.choice(CN_SYL)
                given = a.capitalize() + b
                name, han = f"{sp} {given}", f"{sh}{ah}{bh}"
                if not self._claim(name, han):
                    return None
                if r.random() < 0.08:
                    return (han, (name,), "person", country)
                return (name, (han,) if r.random() < 0.6 else (), "person", country)
            if culture == "fa":
                (f1, f1a), (ll, la) = r.choice(FA_FIRST), r.choice(FA_LAST)
                if r.random() < 0.5:
                    f2, f2a = r.choice(FA_FIRST)
                    if f2 == f1:
                        return None
                    first, first_a = f"{f1} {f2}", f"{f1a} {f2a}"
                else:
                    first, first_a = f1, f1a
                name, arab = f"{first} {ll}", f"{first_a} {la}"
                if not self._claim(name, arab):
                    return None
                return (name, (arab,) if r.random() < 0.4 else (), "person", country)
            if culture == "ko":
                (sp, sh), (a, ah), (b, bh) = r.choice(KO_SURNAMES), r.choice(KO_SYL), r.choice(KO_SYL)
                if a == b:
                    return None
                name, hangul = f"{sp} {a} {b}", f"{sh}{ah}{bh}"
                if not self._claim(name, hangul):
                    return None
                return (name, (hangul,) if r.random() < 0.5 else (), "person", country)
            first = r.choice(LA_FIRST)
            second = r.choice(LA_SECOND) if r.random() < 0.6 else None
            l1, l2 = r.choice(LA_LAST), (r.choice(LA_LAST) if r.random() < 0.7 else None)
            if l1 == l2 or first == second:
                return None
            parts = [first] + ([second] if second else []) + [l1] + ([l2] if l2 else [])
            name = " ".join(parts)
            if not self._claim(name):
                return None
            return (name, (), "person", country)
        if kind == "organization":
            name = f"{r.choice(CO_A)} {r.choice(CO_B)} {r.choice(ORG_NOUN)}"
            if not self._claim(name):
                return None
            return (name, (), kind, r.choice(COMPANY_COUNTRIES))
        if kind == "group":
            name = f"{r.choice(GROUP_ADJ)} {r.choice(GROUP_NOUN)}"
            if r.random() < 0.5:
                name += " " + r.choice(GROUP_SUFFIX)
            alias = f"APT {r.randrange(10, 100)}{r.choice(UPPER)}" if r.random() < 0.2 else None
            if not (self._claim(name, alias) if alias else self._claim(name)):
                return None
            return (name, (alias,) if alias else (), kind, r.choice(["CN", "RU", "KP", "IR", None]))
        if kind == "government-body":
            state = r.choice(GOV_STATE)
            name = f"{r.choice(GOV_HEAD)} of {r.choice(GOV_DOMAIN)} of the {state}"
            if not self._claim(name):
                return None
            country = {"Islamic Republic of Iran": "IR", "Russian Federation": "RU", "DPRK": "KP",
                       "Syrian Arab Republic": "SY", "Republic of Belarus": "BY"}.get(state)
            return (name, (), kind, country)
        if kind == "vessel":
            name = f"{r.choice(VESSEL_A)} {r.choice(VESSEL_B)}{r.choice(VESSEL_NUM)}"
            if r.random() < 0.3:
                former = f"{r.choice(VESSEL_A)} {r.choice(VESSEL_B)}{r.choice(VESSEL_NUM)}"
                if not self._claim(name, former):
                    return None
                return (name.upper(), (former.upper(),), kind, r.choice(VESSEL_FLAGS))
            if not self._claim(name):
                return None
            return (name.upper(), (), kind, r.choice(VESSEL_FLAGS))
        if kind == "aircraft":
            prefix = r.choice(AIRCRAFT_PREFIX)
            reg = prefix + "".join(r.choice(UPPER) for _ in range(3))
            name = f"{r.choice(AIRCRAFT_MODELS)} {reg}"
            if not self._claim(reg):  # the registration alone identifies the aircraft
                return None
            return (name, (), kind, {"EP-": "IR", "RA-": "RU", "YK-": "SY", "P-": "KP", "YV-": "VE",
                                     "EW-": "BY", "9K-": "KW", "HZ-": "SA"}[prefix])
        raise ValueError(kind)


# ---------------------------------------------------------------------------------------------

def fmt_date(rng: Random, ordinal: int) -> str:
    d = dt.date.fromordinal(ordinal)
    x = rng.random()
    if x < 0.025:
        return f"{d.year:04d}"
    if x < 0.05:
        return f"{d.year:04d}-{d.month:02d}"
    return d.isoformat()


def slugify(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())[:60]


def source_url(rng: Random, template: str, ordinal: int, slug: str) -> str:
    d = dt.date.fromordinal(ordinal)
    return template.format(y=f"{d.year:04d}", m=f"{d.month:02d}", d=f"{d.day:02d}",
                           n=rng.randrange(10000, 99999), n3=rng.randrange(100, 999),
                           n4=f"{rng.randrange(1, 3000):04d}", n5=rng.randrange(10000, 16000),
                           n7=rng.randrange(1800000, 1999999), tr=f"jy{rng.randrange(1, 2999):04d}",
                           slug=slug)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", help="output .jsonl path")
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--responses", type=int, default=67_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--entities", type=int, default=None,
                    help="size of the pool of synthetic parties (default: 0.3 x events, at least 200)")
    ap.add_argument("--hotspot-events", type=int, default=1000,
                    help="events naming the hotspot entity (default 1000, capped at --events)")
    ap.add_argument("--no-id-share", type=float, default=0.10, help="share of events without an id")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    n_ev, n_rs = args.events, args.responses
    if n_ev < 1:
        ap.error("--events must be at least 1")
    seed = args.seed
    rng = Random(seed)
    n_hot = min(args.hotspot_events, n_ev)
    pool = Pool(rng, args.entities or max(200, n_ev * 3 // 10))
    ents = pool.entities
    n_ent = len(ents)

    # --- per-index plans (integers only) ------------------------------------------------------
    no_id = set(rng.sample(range(n_ev), int(n_ev * args.no_id_share)))
    hot = set(rng.sample(range(n_ev), n_hot))
    ev_ids: dict[int, str] = {}
    seen_ids: set[str] = set()
    for i in range(n_ev):
        if i in no_id:
            continue
        salt = 0
        eid = make_id("ev", seed, i)
        while eid in seen_ids:  # 48-bit ids: collisions are unlikely but would be silent
            salt += 1
            eid = make_id("ev", seed, i, salt)
        seen_ids.add(eid)
        ev_ids[i] = eid
    with_id = sorted(ev_ids)  # indices of events carrying an id
    if n_rs and not with_id:
        ap.error("responses need at least one event with an id")

    # responses: (position in the event stream, event index); 85% just after their event,
    # 15% anywhere in the file (so some come before the event they answer)
    plan = []
    for j in range(n_rs):
        e = with_id[rng.randrange(len(with_id))]
        if rng.random() < 0.15:
            pos = rng.randrange(n_ev)
        else:
            pos = min(n_ev - 1, e + int(rng.expovariate(1 / 40)))
        plan.append((pos, e, j))
    plan.sort()
    per_event: dict[int, int] = {}
    for _, e, _ in plan:
        per_event[e] = per_event.get(e, 0) + 1
    hot_with_id = sorted(i for i in hot if i in ev_ids)
    sample_ev = max(hot_with_id, key=lambda i: (per_event.get(i, 0), -i)) if hot_with_id else (
        with_id[0] if with_id else None)
    by_event: dict[int, list[int]] = {}  # response j planned after its event, keyed by event
    early: dict[int, list[int]] = {}  # position -> responses written before their event
    resp_pos: dict[int, int] = {}
    for pos, e, j in plan:
        resp_pos[j] = pos
        if pos >= e:
            by_event.setdefault(e, []).append(j)
        else:
            early.setdefault(pos, []).append((j, e))
    del plan

    rs_ids = set()

    def rs_id(j):
        salt = 0
        rid = make_id("rs", seed, j)
        while rid in rs_ids:
            salt += 1
            rid = make_id("rs", seed, j, salt)
        rs_ids.add(rid)
        return rid

    # --- streaming --------------------------------------------------------------------------------
    identities: set[bytes] = set()
    pending: dict[int, list[str]] = {}  # position -> serialized responses waiting to be written
    counts = {"events": 0, "responses": 0, "targets": 0, "hotspot_events": 0,
              "events_without_id": 0, "forward_refs": 0, "entities_used": 0}
    used = bytearray(n_ent)
    sample_rs = None
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

    def pick_entity():
        # mildly skewed: the most frequent pool entries appear ~100 times, the hotspot 1000
        return min(n_ent - 1, int(n_ent * rng.random() ** 1.3))

    def response(j, e, ev_ordinal, ev_country_of_target, target_name, ev_jur):
        """One response dict; target_name is None when the event is not known yet."""
        r = rng
        who = wchoice(r, [("target", 30 if target_name else 0), ("gov", 55), ("ally", 15)])
        country = None
        if who == "target":
            actor, speaker, country = target_name, None, ev_country_of_target
        elif who == "gov":
            c = ev_country_of_target if ev_country_of_target in GOV_RESPONDERS else r.choice(list(GOV_RESPONDERS))
            actor, speakers = r.choice(GOV_RESPONDERS[c])
            speaker, country = r.choice(speakers), c
        else:
            actor, country, speakers = r.choice(ALLY_RESPONDERS)
            speaker = r.choice(speakers)
        kind = wchoice(r, KIND_FOR[who])
        stance = wchoice(r, STANCE_FOR[who])
        if ev_ordinal is None:
            ev_ordinal = r.randrange(DATE_LO, DATE_HI)
        lag = min(int(r.expovariate(1 / 6)), 365)
        ordinal = min(DATE_HI, ev_ordinal + lag)
        langs = ("en", LANG_OF.get(country, "en"))
        options = [t for lang, t in QUOTES[stance or "neutral"] if lang in langs]
        q = r.choice(options)
        if r.random() < 0.5:
            q2 = r.choice(options)
            if q2 != q:
                q = q + " " + q2
        subject = target_name or "the designated parties"
        summary = (f"{actor} {'(' + speaker + ') ' if speaker else ''}responded to the {ev_jur} measures "
                   f"against {subject} with {KIND_PHRASE[kind]}"
                   f"{', stance: ' + stance if stance else ''}.")
        rec = {"type": "response", "id": rs_id(j), "event_id": ev_ids[e], "date": fmt_date(r, ordinal),
               "actor": actor, "speaker": speaker, "country": country, "kind": kind, "stance": stance,
               "quote": q, "summary": summary,
               "sources": [f"https://www.example-news.org/{ordinal}/{slugify(actor)}-{r.randrange(10**6)}"],
               "tags": r.sample(TAGS, r.randrange(0, 3)),
               "counter_event_id": (ev_ids[with_id[r.randrange(len(with_id))]]
                                    if kind == "countermeasure" and r.random() < 0.5 else None)}
        return rec

    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as fh:
        write = fh.write
        for i in range(n_ev):
            # responses planned (earlier) for this position, written before event i
            for line in pending.pop(i, ()):
                write(line)
            for j, e in early.pop(i, ()):
                rec = response(j, e, None, None, None, "announced")
                write(dumps(rec) + "\n")
                counts["responses"] += 1
                counts["forward_refs"] += 1
                if e == sample_ev and sample_rs is None:
                    sample_rs = rec["id"]

            # --- the event ---
            r = rng
            a = AUTHORITIES[bisect.bisect_right(AUTH_CUM, r.random() * AUTH_CUM[-1])]
            authority, jur, _, programs, tmpl = a
            if jur == "GB" and r.random() < 0.2:
                jur = "UK"  # read as GB (FORMAT.md)
            program, legal_basis = r.choice(programs)
            if r.random() < 0.04:
                program = None
            if r.random() < 0.06:
                legal_basis = None
            action = wchoice(r, ACTIONS)
            n_t = wchoice(r, [(1, 60), (2, 25), (3, 15)])
            for _attempt in range(50):
                ordinal = r.randrange(DATE_LO, DATE_HI + 1)
                picked = []
                if i in hot:
                    picked.append(-1)
                while len(picked) < n_t:
                    k = pick_entity()
                    if k not in picked:
                        picked.append(k)
                ident = hashlib.blake2b(f"{ordinal}|{authority}|{sorted(picked)}".encode(),
                                        digest_size=8).digest()
                if ident not in identities:
                    identities.add(ident)
                    break
            else:
                raise SystemExit("could not find a unique event identity")
            date = fmt_date(r, ordinal)
            targets = []
            for k in picked:
                if k == -1:
                    v = r.random()
                    if v < 0.70:
                        t = {"name": r.choice(HOTSPOT_NAME_SPELLINGS), "aliases": [r.choice(HOTSPOT_ALIAS_SPELLINGS)]}
                    elif v < 0.85:
                        t = {"name": r.choice(HOTSPOT_NAME_SPELLINGS), "aliases": []}
                    elif v < 0.95:
                        t = {"name": r.choice(HOTSPOT_ALIAS_SPELLINGS), "aliases": []}
                    else:
                        t = {"name": r.choice(HOTSPOT_ALIAS_SPELLINGS), "aliases": [HOTSPOT_NAME]}
                    t["kind"], t["country"] = "company", "CN"
                    counts["hotspot_events"] += 1
                else:
                    name, aliases, kind, country = ents[k]
                    used[k] = 1
                    # aliases are named in most records but not all
                    t = {"name": name, "aliases": list(aliases) if aliases and r.random() < 0.8 else [],
                         "kind": kind, "country": country}
                targets.append(t)
            counts["targets"] += len(targets)
            tnames = [t["name"] for t in targets]
            goods, sector, place = r.choice(GOODS), r.choice(SECTORS_TXT), r.choice(PLACES)
            reason = r.choice(CONDUCT).format(goods=goods, sector=sector, place=place)
            reason = reason[0].upper() + reason[1:]
            listed = tnames[0] if len(tnames) == 1 else ", ".join(tnames[:-1]) + " and " + tnames[-1]
            summary = (f"{authority} {ACTION_VERB[action]} {listed}"
                       f"{' under ' + program if program else ''} for {reason[0].lower() + reason[1:]}.")
            n_src = 1 if r.random() < 0.75 else 2
            slug = slugify(f"{tnames[0]} {goods}")
            sources = [source_url(r, tmpl, ordinal, slug) for _ in range(n_src)]
            tags = r.sample(TAGS, r.randrange(0, 4))
            in_resp = None
            if jur in ("CN", "RU") and i > 0 and r.random() < 0.3:
                lo = bisect.bisect_left(with_id, max(0, i - 5000))
                hi = bisect.bisect_left(with_id, i)
                if hi > lo:
                    in_resp = ev_ids[with_id[r.randrange(lo, hi)]]
            rec = {"type": "event"}
            if i in ev_ids:
                rec["id"] = ev_ids[i]
            else:
                counts["events_without_id"] += 1
            rec.update({"date": date, "authority": authority, "jurisdiction": jur, "action": action,
                        "program": program, "legal_basis": legal_basis, "targets": targets,
                        "reason": reason, "summary": summary, "sources": sources, "tags": tags,
                        "in_response_to": in_resp})
            write(dumps(rec) + "\n")
            counts["events"] += 1

            # responses to this event that come at or after it: generated now (they may quote
            # the target), written at their planned position
            first = targets[0]
            for j in by_event.pop(i, ()):
                rr = response(j, i, ordinal, first["country"],
                              first["name"] if first["kind"] in ("company", "person", "organization") else None,
                              jur)
                if i == sample_ev and sample_rs is None:
                    sample_rs = rr["id"]
                pos = resp_pos[j]
                line = dumps(rr) + "\n"
                if pos == i:
                    write(line)
                else:
                    pending.setdefault(pos, []).append(line)
                counts["responses"] += 1
        for pos in sorted(pending):  # nothing should remain, but never drop a record
            for line in pending[pos]:
                write(line)
    os.replace(tmp, args.out)

    counts["entities_used"] = sum(used) + (1 if counts["hotspot_events"] else 0)
    assert counts["hotspot_events"] == n_hot, counts
    assert counts["responses"] == n_rs, counts
    meta = {
        "events": counts["events"], "responses": counts["responses"],
        "hotspot_name": HOTSPOT_NAME, "hotspot_alias": HOTSPOT_ALIAS,
        "sample_event_id": ev_ids.get(sample_ev) if sample_ev is not None else None,
        "sample_response_id": sample_rs,
        "hotspot_events": counts["hotspot_events"],
        "sample_event_responses": per_event.get(sample_ev, 0),
        "events_without_id": counts["events_without_id"], "targets": counts["targets"],
        "entities": counts["entities_used"], "entity_pool": n_ent,
        "responses_before_their_event": counts["forward_refs"], "seed": seed,
    }
    with open(args.out + ".meta.json", "w", encoding="utf-8") as fh:
        json.dump(meta, fh, indent=2, ensure_ascii=False)
        fh.write("\n")
    el = time.perf_counter() - t0
    print(f"wrote {args.out}: {counts['events']} events ({counts['events_without_id']} without id, "
          f"{counts['targets']} targets, {counts['entities_used']} distinct entities), "
          f"{counts['responses']} responses ({counts['forward_refs']} before their event) "
          f"in {el:.1f} s", file=sys.stderr)
    print(f"hotspot {HOTSPOT_NAME!r} / {HOTSPOT_ALIAS!r}: {counts['hotspot_events']} events; "
          f"sample event {meta['sample_event_id']} ({meta['sample_event_responses']} responses), "
          f"sample response {sample_rs}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
