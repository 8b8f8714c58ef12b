"""Word lists and script tables that generate the screening set (build_set.py). They are test-data
generators written for this benchmark, not references: a reverse transliteration here only has to
give a name as a native writer would plausibly spell it, not the one official spelling.
"""

from __future__ import annotations

# -- cultures ----------------------------------------------------------------------------------------

CULTURE_BY_COUNTRY = {
    **dict.fromkeys(["Russia", "Ukraine", "Belarus", "Kazakhstan", "Kyrgyzstan", "Moldova", "USSR",
                     "Latvia", "Estonia", "Crimea", "Tajikistan", "Uzbekistan"], "russian"),
    **dict.fromkeys(["Syria", "Iraq", "Lebanon", "Saudi Arabia", "Yemen", "Libya", "Egypt", "Jordan",
                     "Kuwait", "Qatar", "Bahrain", "United Arab Emirates", "Oman", "Tunisia", "Algeria",
                     "Morocco", "Sudan", "Palestinian", "West Bank", "Gaza", "Mauritania"], "arabic"),
    **dict.fromkeys(["Pakistan", "Afghanistan", "Somalia", "Mali", "Niger"], "arabic"),
    "Iran": "persian",
    **dict.fromkeys(["Mexico", "Colombia", "Venezuela", "Nicaragua", "Guatemala", "Spain", "Cuba",
                     "Panama", "Ecuador", "Peru", "Honduras", "Argentina", "Dominican Republic",
                     "El Salvador", "Paraguay", "Bolivia", "Chile", "Costa Rica", "Uruguay"], "spanish"),
    **dict.fromkeys(["China", "Hong Kong", "Taiwan"], "chinese"),
    **dict.fromkeys(["Korea, North", "Korea, South"], "korean"),
}

# (male given names, female given names, surnames); transliterated as OFAC writes them.
NAMES = {
    "english": (
        ["James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph", "Thomas",
         "Charles", "Daniel", "Matthew", "Anthony", "Mark", "Paul", "Steven", "Andrew", "Kenneth",
         "George", "Edward", "Brian", "Ronald", "Kevin", "Jason", "Gary", "Timothy", "Peter"],
        ["Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah",
         "Karen", "Emily", "Laura", "Rebecca", "Helen", "Sandra", "Donna", "Carol", "Ruth"],
        ["Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
         "Taylor", "Moore", "Jackson", "Thompson", "White", "Harris", "Clark", "Lewis", "Walker",
         "Hall", "Young", "Allen", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Carter",
         "Mitchell", "Roberts", "Turner", "Phillips", "Campbell", "Parker", "Evans", "Edwards",
         "Collins", "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Bennett", "Gray", "Hughes"],
    ),
    "spanish": (
        ["Juan", "Jose", "Luis", "Carlos", "Jorge", "Miguel", "Pedro", "Francisco", "Manuel",
         "Alejandro", "Fernando", "Ricardo", "Diego", "Andres", "Pablo", "Raul", "Sergio", "Eduardo",
         "Javier", "Alberto", "Enrique", "Hector", "Arturo", "Rafael", "Gustavo", "Mauricio"],
        ["Maria", "Ana", "Carmen", "Laura", "Patricia", "Isabel", "Lucia", "Sofia", "Gabriela",
         "Adriana", "Claudia", "Veronica", "Alejandra", "Monica", "Diana", "Paola", "Silvia"],
        ["Garcia", "Rodriguez", "Martinez", "Lopez", "Gonzalez", "Perez", "Sanchez", "Ramirez",
         "Torres", "Flores", "Rivera", "Gomez", "Diaz", "Reyes", "Morales", "Cruz", "Ortiz",
         "Gutierrez", "Chavez", "Ramos", "Ruiz", "Alvarez", "Mendoza", "Castillo", "Jimenez",
         "Vargas", "Romero", "Herrera", "Medina", "Aguilar", "Castro", "Vasquez", "Rojas", "Navarro",
         "Delgado", "Salazar", "Guerrero", "Cabrera", "Molina", "Ibarra", "Orozco", "Cardenas"],
    ),
    "arabic": (
        ["Ahmad", "Mahmud", "Khalid", "Umar", "Yusuf", "Ibrahim", "Ali", "Hasan", "Husayn", "Samir",
         "Walid", "Tariq", "Ziyad", "Karim", "Nabil", "Faysal", "Rashid", "Bilal", "Hamza", "Sami",
         "Majid", "Adil", "Jamal", "Nasir", "Salim", "Fadi", "Imad", "Ayman", "Basil", "Mazin"],
        ["Fatima", "Aisha", "Layla", "Maryam", "Nur", "Huda", "Rana", "Salma", "Yasmin", "Zaynab",
         "Amal", "Hana", "Rima", "Dalia", "Samira"],
        ["Haddad", "Khoury", "Nasser", "Mansour", "Saleh", "Hamdan", "Darwish", "Khalil", "Aziz",
         "Najjar", "Sabbagh", "Shami", "Masri", "Halabi", "Qasim", "Faruq", "Jabir", "Issa", "Hijazi",
         "Barakat", "Bakr", "Uthman", "Zaki", "Rahal", "Awad", "Sulayman", "Hamad", "Tamimi",
         "Sharif", "Attar", "Kurdi", "Nahhas", "Zein", "Ghanem", "Sayegh"],
    ),
    "persian": (
        ["Reza", "Mehdi", "Hossein", "Ali", "Mohammad", "Amir", "Hamid", "Saeed", "Majid", "Behrouz",
         "Farhad", "Kaveh", "Dariush", "Babak", "Ehsan", "Masoud", "Navid", "Omid", "Payam"],
        ["Parisa", "Maryam", "Zahra", "Fatemeh", "Shirin", "Leila", "Niloufar", "Roya", "Mina"],
        ["Hosseini", "Ahmadi", "Mohammadi", "Rezaei", "Moradi", "Karimi", "Jafari", "Rahimi",
         "Sadeghi", "Heidari", "Tehrani", "Kazemi", "Ghorbani", "Hashemi", "Mousavi", "Ebrahimi",
         "Najafi", "Sharifi", "Azizi", "Bagheri", "Kamali", "Shirazi", "Esfahani", "Nouri"],
    ),
    "russian": (
        ["Aleksandr", "Dmitriy", "Sergey", "Andrey", "Aleksey", "Ivan", "Mikhail", "Nikolay",
         "Vladimir", "Pavel", "Artem", "Maksim", "Yevgeniy", "Roman", "Denis", "Anton", "Kirill",
         "Igor", "Oleg", "Viktor", "Boris", "Stanislav", "Vadim", "Konstantin", "Gennadiy", "Ilya"],
        ["Yelena", "Olga", "Tatyana", "Natalya", "Irina", "Svetlana", "Anna", "Mariya", "Yekaterina",
         "Yuliya", "Anastasiya", "Marina", "Galina", "Lyudmila", "Oksana", "Valentina"],
        ["Ivanov", "Smirnov", "Kuznetsov", "Popov", "Vasilyev", "Petrov", "Sokolov", "Mikhaylov",
         "Novikov", "Fedorov", "Morozov", "Volkov", "Alekseyev", "Lebedev", "Semenov", "Yegorov",
         "Pavlov", "Kozlov", "Stepanov", "Nikolayev", "Orlov", "Andreyev", "Makarov", "Nikitin",
         "Zakharov", "Zaytsev", "Solovyev", "Borisov", "Yakovlev", "Grigoryev", "Romanov",
         "Vorobyev", "Sergeyev", "Frolov", "Belov", "Komarov", "Kiselev", "Baranov", "Tarasov"],
    ),
    "chinese": (
        ["Wei", "Jun", "Lei", "Yong", "Jie", "Tao", "Ming", "Chao", "Jian", "Qiang", "Bo", "Hao",
         "Xiaoming", "Zhiwei", "Guoqiang", "Haitao", "Jianguo"],
        ["Fang", "Min", "Jing", "Xiuying", "Hui", "Na", "Li", "Yan", "Ling", "Xiaohong", "Mei"],
        ["Wang", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Zhu",
         "Hu", "Guo", "He", "Gao", "Lin", "Luo", "Zheng", "Liang", "Xie", "Song", "Tang", "Han"],
    ),
    "korean": (
        ["Min Jun", "Ji Hoon", "Hyun Woo", "Jae Won", "Dong Hyun", "Young Ho", "Kyung Soo",
         "Sung Min", "Tae Hyun", "Jin Woo"],
        ["Seo Yeon", "Su Bin", "Eun Ji", "Hye Jin", "Ji Young", "Mi Kyung"],
        ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Shin",
         "Seo", "Kwon", "Hwang", "Ahn", "Song", "Hong"],
    ),
}

# Russian patronymics: a father's name and its -ovich/-ovna form (OFAC's spelling).
PATRONYMICS = [
    ("Vladimirovich", "Vladimirovna"), ("Aleksandrovich", "Aleksandrovna"),
    ("Sergeyevich", "Sergeyevna"), ("Nikolayevich", "Nikolayevna"), ("Ivanovich", "Ivanovna"),
    ("Viktorovich", "Viktorovna"), ("Yuryevich", "Yuryevna"), ("Mikhaylovich", "Mikhaylovna"),
    ("Andreyevich", "Andreyevna"), ("Anatolyevich", "Anatolyevna"), ("Igorevich", "Igorevna"),
    ("Olegovich", "Olegovna"), ("Pavlovich", "Pavlovna"), ("Borisovich", "Borisovna"),
    ("Gennadyevich", "Gennadyevna"), ("Valeryevich", "Valeryevna"), ("Petrovich", "Petrovna"),
    ("Leonidovich", "Leonidovna"), ("Dmitriyevich", "Dmitriyevna"), ("Alekseyevich", "Alekseyevna"),
    ("Vasilyevich", "Vasilyevna"), ("Grigoryevich", "Grigoryevna"), ("Konstantinovich", "Konstantinovna"),
]
# Middle names added to names of other cultures.
MIDDLE_NAMES = {
    "arabic": ["Muhammad", "Ahmad", "Ali", "Hasan", "Husayn", "Abdallah", "Ibrahim", "Khalil",
               "Mahmud", "Mustafa", "Salih", "Yusuf", "Umar", "Abd al-Rahman", "bin Ali"],
    "persian": ["Reza", "Ali", "Mohammad", "Hossein", "Mahmoud", "Hassan", "Mehdi"],
    "spanish": ["Jose", "Luis", "Antonio", "Carlos", "Manuel", "Alberto", "Enrique", "Javier",
                "Eduardo", "Alfredo"],
    "spanish_f": ["Maria", "Isabel", "Guadalupe", "Elena", "Teresa", "Lucia"],
    "english": ["James", "John", "Michael", "A.", "J.", "M.", "Lee", "Edward"],
    "english_f": ["Ann", "Marie", "Louise", "Elizabeth", "Jane", "M."],
}

# -- transliteration variants ------------------------------------------------------------------------

# Groups of spellings of one name: a word found in a group becomes another member.
SPELLING_GROUPS = [
    ["MUHAMMAD", "MOHAMMED", "MOHAMED", "MOHAMMAD", "MUHAMMED", "MOHAMAD"],
    ["AHMAD", "AHMED"], ["HUSAYN", "HUSSEIN", "HUSSAIN", "HOSSEIN", "HUSEIN"],
    ["HASAN", "HASSAN", "HASSANE"], ["HUSNI", "HOSNI"], ["YUSUF", "YOUSSEF", "YOUSEF", "YUSSEF", "JUSUF"],
    ["UMAR", "OMAR"], ["USAMA", "OSAMA", "OUSSAMA"], ["MAHMUD", "MAHMOUD", "MAHMOOD"],
    ["MUSTAFA", "MOSTAFA", "MUSTAPHA"], ["SAYYID", "SAYED", "SAYYED"], ["KHALID", "KHALED", "HALID"],
    ["SA'ID", "SAEED", "SAID", "SAYID"], ["ABDALLAH", "ABDULLAH", "ABDULLA"],
    ["ABU BAKR", "ABOU BAKR", "ABUBAKAR"], ["ALI", "ALY"], ["IBRAHIM", "EBRAHIM", "IBRAHEEM"],
    ["ISMA'IL", "ISMAIL", "ESMAIL"], ["SULAYMAN", "SULEIMAN", "SOLEIMAN", "SULEYMAN"],
    ["YUNUS", "YOUNES", "YOUNIS"], ["JAMAL", "GAMAL"], ["JA'FAR", "JAFAR", "JAAFAR"],
    ["MUSA", "MOUSSA", "MOUSA"], ["ISA", "ISSA", "EISA"], ["NASR", "NASER", "NASSER"],
    ["FAYSAL", "FAISAL", "FEISAL"], ["ZAYD", "ZAID", "ZEID"], ["HAMZA", "HAMZAH"],
    ["ALEKSEY", "ALEXEI", "ALEKSEI", "ALEXEY"], ["ALEKSANDR", "ALEXANDER", "ALEXANDR", "ALIAKSANDR"],
    ["YURIY", "YURI", "IURII", "YURY"], ["DMITRIY", "DMITRY", "DMITRI", "DMITRII"],
    ["SERGEY", "SERGEI", "SERGUEI"], ["ANDREY", "ANDREI", "ANDRII"], ["NIKOLAY", "NIKOLAI"],
    ["MIKHAIL", "MIKHAYL", "MICHAIL"], ["YEVGENIY", "EVGENY", "EVGENIY", "YEVGENY", "EVGENII"],
    ["YELENA", "ELENA", "JELENA"], ["YULIYA", "YULIA", "IULIIA", "JULIA"],
    ["VYACHESLAV", "VIACHESLAV"], ["ARKADIY", "ARKADY", "ARKADII"], ["GENNADIY", "GENNADY", "GENNADII"],
    ["VALERIY", "VALERY", "VALERII"], ["ANATOLIY", "ANATOLY", "ANATOLII"], ["VASILIY", "VASILY", "VASILII"],
    ["GRIGORIY", "GRIGORY", "GRIGORII"], ["YAKOV", "IAKOV", "JAKOV"], ["PYOTR", "PETR", "PIOTR"],
    ["FEDOR", "FYODOR", "FIODOR"], ["SEMEN", "SEMYON", "SEMION"], ["ARTEM", "ARTYOM", "ARTIOM"],
    ["NATALYA", "NATALIA", "NATALIYA"], ["TATYANA", "TATIANA"], ["MARIYA", "MARIA"],
]

# Spelling rules applied to one word: (regex, replacement), upper-case text. The weak ones (double
# or single letters, v/w, q/k...) are used only where a name offers none of the others.
SPELLING_RULES = [
    (r"IY\b", "Y"), (r"IY\b", "I"), (r"IY\b", "II"), (r"YY\b", "Y"), (r"YY\b", "II"),
    (r"(?<=[AEIOU])Y(?=[AEIOU])", "I"), (r"AY(?=[^AEIOU]|\b)", "AI"),
    (r"YEV(?=\b|ICH|NA)", "EV"), (r"YEV(?=\b|ICH|NA)", "IEV"), (r"(?<=[AEIOU])YE", "E"),
    (r"\bYE", "E"), (r"\bE(?=[^AEIOU])", "YE"), (r"KS", "X"), (r"X", "KS"), (r"KH", "H"),
    (r"(?<=[AEIOU])H(?=[AEIOU])", "KH"), (r"OU", "U"), (r"(?<![AEIOU])U(?=[^AEIOU])", "OU"),
    (r"\bJ(?=[AEIOU])", "Y"), (r"\bY(?=[AEIOU])", "J"), (r"YU", "IU"), (r"YA", "IA"),
    (r"IA\b", "IYA"), (r"IYA\b", "IA"), (r"SHCH", "SCH"), (r"ZH", "J"), (r"TS", "TZ"),
    (r"OV\b", "OFF"), (r"EV\b", "EFF"), (r"\bAL-", "EL-"), (r"\bEL-", "AL-"),
    (r"\bABD AL-", "ABDUL "), (r"\bABDUL ", "ABD AL-"), (r"UDDIN\b", "UD DIN"),
    (r"(?<=[AEIOU])'(?=[AEIOU])", ""), (r"EE", "I"), (r"OO", "U"), (r"PH", "F"),
]
SPELLING_RULES_WEAK = [
    (r"Q", "K"), (r"W", "V"), (r"V", "W"),
    (r"([BDFGKLMNPRSTZ])\1", r"\1"), (r"(?<=[AEIOU])([LMNRST])(?=[AEIOU])", r"\1\1"),
]

# -- accents -----------------------------------------------------------------------------------------

ACCENTED = {
    "HERNANDEZ": "HERNÁNDEZ", "RODRIGUEZ": "RODRÍGUEZ", "GARCIA": "GARCÍA", "MARTINEZ": "MARTÍNEZ",
    "LOPEZ": "LÓPEZ", "GONZALEZ": "GONZÁLEZ", "PEREZ": "PÉREZ", "SANCHEZ": "SÁNCHEZ",
    "RAMIREZ": "RAMÍREZ", "GOMEZ": "GÓMEZ", "DIAZ": "DÍAZ", "GUTIERREZ": "GUTIÉRREZ",
    "ALVAREZ": "ÁLVAREZ", "JIMENEZ": "JIMÉNEZ", "VASQUEZ": "VÁSQUEZ", "VAZQUEZ": "VÁZQUEZ",
    "FERNANDEZ": "FERNÁNDEZ", "MENDEZ": "MÉNDEZ", "NUNEZ": "NÚÑEZ", "MUNOZ": "MUÑOZ",
    "IBANEZ": "IBÁÑEZ", "CARDENAS": "CÁRDENAS", "CESPEDES": "CÉSPEDES", "DOMINGUEZ": "DOMÍNGUEZ",
    "VELAZQUEZ": "VELÁZQUEZ", "BENITEZ": "BENÍTEZ", "JOSE": "JOSÉ", "JESUS": "JESÚS", "MARIA": "MARÍA",
    "ANGEL": "ÁNGEL", "RAUL": "RAÚL", "RAMON": "RAMÓN", "ANDRES": "ANDRÉS", "MOISES": "MOISÉS",
    "MONICA": "MÓNICA", "OSCAR": "ÓSCAR", "HECTOR": "HÉCTOR", "ALVARO": "ÁLVARO", "INES": "INÉS",
    "SOFIA": "SOFÍA", "LUCIA": "LUCÍA", "CESAR": "CÉSAR", "JOAQUIN": "JOAQUÍN", "MARTIN": "MARTÍN",
    "ADRIAN": "ADRIÁN", "SEBASTIAN": "SEBASTIÁN", "IVAN": "IVÁN", "VICTOR": "VÍCTOR", "RUBEN": "RUBÉN",
    "NICOLAS": "NICOLÁS", "TOMAS": "TOMÁS", "ELIAS": "ELÍAS", "MATIAS": "MATÍAS", "BELEN": "BELÉN",
    "ALMENDAREZ": "ALMENDÁREZ", "QUINONEZ": "QUIÑÓNEZ", "PENA": "PEÑA", "ORDONEZ": "ORDÓÑEZ",
    "NARVAEZ": "NARVÁEZ", "VELASQUEZ": "VELÁSQUEZ", "MARQUEZ": "MÁRQUEZ", "SUAREZ": "SUÁREZ",
    "JAUREGUI": "JÁUREGUI", "ESPANA": "ESPAÑA", "COMPANIA": "COMPAÑÍA", "GUZMAN": "GUZMÁN",
    "ROMAN": "ROMÁN", "LEON": "LEÓN", "CONCEPCION": "CONCEPCIÓN", "ASUNCION": "ASUNCIÓN",
    "MULLER": "MÜLLER", "GUNTER": "GÜNTER", "JURGEN": "JÜRGEN", "OZTURK": "ÖZTÜRK",
    "CELIK": "ÇELIK", "GUNES": "GÜNEŞ", "FRANCOIS": "FRANÇOIS", "HELENE": "HÉLÈNE",
    "INTERNACIONAL": "INTERNACIONAL", "ELECTRONICA": "ELECTRÓNICA", "AGRICOLA": "AGRÍCOLA",
    "COMERCIALIZACION": "COMERCIALIZACIÓN", "DISTRIBUCION": "DISTRIBUCIÓN", "CONSTRUCCION": "CONSTRUCCIÓN",
    "TECNICA": "TÉCNICA", "QUIMICA": "QUÍMICA", "TURISTICA": "TURÍSTICA", "PETROLEOS": "PETRÓLEOS",
    "ENERGIA": "ENERGÍA", "INVERSION": "INVERSIÓN", "ADMINISTRACION": "ADMINISTRACIÓN",
    "GESTION": "GESTIÓN", "EXPORTACION": "EXPORTACIÓN", "IMPORTACION": "IMPORTACIÓN",
    "NAVEGACION": "NAVEGACIÓN", "AVIACION": "AVIACIÓN", "ASOCIACION": "ASOCIACIÓN",
    "FUNDACION": "FUNDACIÓN", "CORPORACION": "CORPORACIÓN", "INFORMATICA": "INFORMÁTICA",
    "LOGISTICA": "LOGÍSTICA", "MEDICA": "MÉDICA", "FARMACEUTICA": "FARMACÉUTICA", "BOGOTA": "BOGOTÁ",
    "MEXICO": "MÉXICO", "PERU": "PERÚ", "PANAMA": "PANAMÁ", "CARIBE": "CARIBE", "ATLANTICO": "ATLÁNTICO",
    "PACIFICO": "PACÍFICO", "HOTELERIA": "HOTELERÍA", "GANADERIA": "GANADERÍA", "MINERIA": "MINERÍA",
}

# -- look-alike letters, invisible and filler characters --------------------------------------------

# Latin letter -> Cyrillic (or Ukrainian) letter drawn the same.
HOMOGLYPHS = {
    "a": "\u0430", "e": "\u0435", "o": "\u043e", "p": "\u0440", "c": "\u0441", "y": "\u0443",
    "x": "\u0445", "i": "\u0456", "j": "\u0458", "s": "\u0455",
    "A": "\u0410", "B": "\u0412", "E": "\u0415", "K": "\u041a", "M": "\u041c", "H": "\u041d",
    "O": "\u041e", "P": "\u0420", "C": "\u0421", "T": "\u0422", "X": "\u0425", "I": "\u0406",
    "J": "\u0408", "S": "\u0405", "Y": "\u04ae",
}

# Characters that show as nothing, or as a blank, in most fonts.
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff"]
FILLERS = ["\u3164", "\u2800", "\u115f", "\u1160", "\uffa0", "\u2800"]

# -- keyboard (QWERTY) neighbours, for substitution and insertion typos --------------------------

KEY_NEIGHBOURS = {
    "q": "wa", "w": "qeas", "e": "wrds", "r": "etdf", "t": "ryfg", "y": "tugh", "u": "yihj",
    "i": "uojk", "o": "ipkl", "p": "ol", "a": "qwsz", "s": "awedxz", "d": "serfcx", "f": "drtgvc",
    "g": "ftyhbv", "h": "gyujnb", "j": "huikmn", "k": "jiolm", "l": "kop", "z": "asx", "x": "zsdc",
    "c": "xdfv", "v": "cfgb", "b": "vghn", "n": "bhjm", "m": "njk",
}

# -- legal forms ------------------------------------------------------------------------------------

# A legal form at the end of a listed company name (regex on the upper-case name) -> equivalent or
# other forms a user might type.
LEGAL_FORM_SWAPS = [
    (r",? LIMITED LIABILITY COMPANY$", ["LLC", "L.L.C.", "Ltd", "OOO"]),
    (r",? (?:LLC|L\.L\.C\.)$", ["Limited Liability Company", "Ltd", "OOO", "L.L.C.", "Co."]),
    (r"^(?:OOO|TOO|OBSHCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU|LIMITED LIABILITY COMPANY|LLC) (.+)$",
     ["{} LLC", "{} Ltd", "{} Limited Liability Company", "OOO {}"]),
    (r",? OOO$", ["LLC", "Ltd", "Limited Liability Company"]),
    (r",? (?:OAO|OJSC|PAO|PJSC|AO|JSC|ZAO|CJSC)$", ["JSC", "PJSC", "OAO", "AO", "Joint Stock Company", "PAO"]),
    (r"^(?:OAO|OJSC|PAO|PJSC|AO|JSC|ZAO|CJSC|AKTSIONERNOE OBSHCHESTVO|(?:OPEN |CLOSED |PUBLIC )?JOINT STOCK COMPANY) (.+)$",
     ["{} JSC", "{} OAO", "{} Joint Stock Company", "AO {}", "PJSC {}"]),
    (r",? CO\., LTD\.?$", ["Co Ltd", "Company Limited", "Ltd", "Limited", "Co.,Ltd"]),
    (r",? (?:LIMITED|LTD\.?)$", ["Ltd", "Ltd.", "Limited", "Co. Ltd", "LLC", "Inc."]),
    (r",? (?:INC\.?|INCORPORATED)$", ["Inc", "Incorporated", "Corp.", "Ltd", "LLC"]),
    (r",? (?:CORP\.?|CORPORATION)$", ["Corp", "Corporation", "Inc.", "Co.", "Ltd"]),
    (r",? S\.A\. DE C\.V\.$", ["SA de CV", "S.A.", "S. de R.L. de C.V.", "SA"]),
    (r",? (?:S\.A\.S\.|SAS)$", ["SAS", "S.A.", "Ltda."]),
    (r",? (?:S\.A\.|SA)$", ["SA", "S.A.S.", "Ltda.", "Inc.", "Ltd"]),
    (r",? (?:LTDA\.?)$", ["Ltda", "Limitada", "S.A.", "SAS"]),
    (r",? (?:GMBH)$", ["GmbH", "AG", "Ltd"]),
    (r",? (?:FZE|FZCO|FZC|FZ-LLC)$", ["FZ-LLC", "FZCO", "FZE", "LLC"]),
    (r",? (?:S\.A\.L\.|SAL)$", ["S.A.L", "SARL", "SA"]),
    (r",? (?:S\.R\.L\.|SRL)$", ["SRL", "S.A.", "Ltd"]),
    (r",? (?:C\.A\.)$", ["CA", "S.A."]),
    (r",? (?:S\.C\.S\.|S\. EN C\.|S\.C\.A\.|S\. EN C\. S\.)$", ["SCS", "S.A.S.", "Ltda."]),
    (r",? (?:PLC)$", ["Ltd", "Limited"]),
    (r",? (?:EOOD|OOD)$", ["Ltd", "LLC"]),
    (r",? (?:COMPANY|CO\.?)$", ["Co.", "Co. Ltd", "LLC", "Company"]),
    (r",? (?:PJS|PJSCO|P\.J\.S\.)$", ["PJSC", "Co.", "Company"]),
]
# Forms added to a name that carries none, by the country of its addresses.
LEGAL_FORMS_BY_COUNTRY = {
    **dict.fromkeys(["Mexico"], ["S.A. de C.V.", "S.A.", "SA de CV"]),
    **dict.fromkeys(["Colombia", "Venezuela", "Panama", "Ecuador", "Peru", "Spain", "Guatemala",
                     "Nicaragua", "Honduras", "Costa Rica", "Argentina", "Bolivia", "Paraguay"],
                    ["S.A.", "Ltda.", "S.A.S.", "SA"]),
    **dict.fromkeys(["Russia", "Belarus", "Ukraine", "Kazakhstan"], ["LLC", "OOO", "JSC", "AO", "OAO"]),
    "Iran": ["Co.", "Company", "PJS", "Ltd"],
    **dict.fromkeys(["China", "Hong Kong", "Taiwan", "Singapore", "Malaysia"],
                    ["Co., Ltd.", "Limited", "Ltd", "Co. Ltd"]),
    **dict.fromkeys(["United Arab Emirates"], ["LLC", "FZE", "FZCO", "L.L.C."]),
    **dict.fromkeys(["Germany", "Austria", "Switzerland"], ["GmbH", "AG"]),
    **dict.fromkeys(["Lebanon", "Syria"], ["SAL", "S.A.R.L.", "LLC", "Co."]),
    **dict.fromkeys(["Turkey"], ["Ltd. Sti.", "A.S.", "Ltd"]),
    **dict.fromkeys(["United States"], ["Inc.", "LLC", "Corp."]),
    **dict.fromkeys(["United Kingdom", "Cyprus", "Malta", "British Virgin Islands"], ["Ltd", "Limited", "PLC"]),
}
# Forms added to a name that carries none (other countries).
ADDED_LEGAL_FORMS = ["LLC", "Ltd", "Ltd.", "Inc.", "Co.", "Co., Ltd.", "S.A.", "GmbH", "JSC", "Limited",
                     "Company", "Corp."]

# -- non-listed companies --------------------------------------------------------------------------

# Words a company name is made of that say little about which company it is.
GENERIC_WORDS = {
    "AND", "&", "OF", "THE", "FOR", "DE", "DEL", "LA", "LAS", "LOS", "Y", "EL", "AL", "BANK", "BANCO",
    "TRADING", "TRADE", "COMPANY", "GROUP", "INTERNATIONAL", "GENERAL", "INDUSTRIES", "INDUSTRY",
    "INDUSTRIAL", "SHIPPING", "DEVELOPMENT", "INVESTMENT", "INVESTMENTS", "HOLDING", "HOLDINGS",
    "MANAGEMENT", "SERVICES", "ENERGY", "OIL", "NATIONAL", "EXCHANGE", "TECHNOLOGY", "TECHNOLOGIES",
    "ENGINEERING", "CENTER", "CENTRE", "STATE", "COMMERCIAL", "CONSTRUCTION", "FOUNDATION", "RESEARCH",
    "FARM", "GLOBAL", "CORPORATION", "ORGANIZATION", "INVERSIONES", "GRUPO", "COMERCIALIZADORA",
    "INMOBILIARIA", "STEEL", "PETROCHEMICAL", "ISLAMIC", "MARINE", "LINES", "LINE", "AIRLINES",
    "AIRWAYS", "INSTITUTE", "UNION", "SOCIETY", "ASSOCIATION", "COOPERATIVE", "FACTORY", "PLANT",
    "MINING", "METALS", "CHEMICAL", "PHARMACEUTICAL", "ELECTRONICS", "LOGISTICS", "IMPORT", "EXPORT",
    "TRAVEL", "TOURS", "HOTEL", "RESTAURANT", "AGENCY", "PETROLEUM", "GAS", "POWER", "CO", "CO.",
    "LTD", "LTD.", "LIMITED", "LLC", "S.A.", "C.V.", "INC.", "CORP.", "S.A.S.", "LTDA.", "GMBH",
    "FZE", "OOO", "OAO", "ZAO", "AO", "JSC", "PLC", "SAL", "CIA.", "S.", "R.L.", "C.A.",
    # words of legal forms written out
    "SOCIEDAD", "ANONIMA", "CAPITAL", "VARIABLE", "RESPONSABILIDAD", "LIMITADA", "PRIVATE", "PUBLIC",
    "JOINT", "STOCK", "LIABILITY", "PARTNERSHIP", "INCORPORATED", "ENTERPRISE", "UNITARY", "SARL",
    "COMPANIA", "COMPANHIA", "EMPRESA", "SOCIETE", "GESELLSCHAFT", "PVT",
}
# Distinctive words put in place of a listed company's distinctive word.
SWAP_WORDS = [
    "Northwind", "Bluewater", "Silverline", "Redwood", "Evergreen", "Harbor", "Summit", "Pioneer",
    "Meridian", "Horizon", "Sterling", "Crescent", "Falcon", "Orchid", "Cedar", "Granite", "Beacon",
    "Lotus", "Phoenix", "Vertex", "Aurora", "Sapphire", "Coral", "Maple", "Nordic", "Baltic",
    "Andes", "Sahara", "Danube", "Tasman", "Lisbon", "Geneva", "Oslo", "Dakar", "Quito", "Lima",
    "Valencia", "Toledo", "Brighton", "Kingston", "Windsor", "Orion", "Polaris", "Zenith",
    "Cascade", "Willow", "Juniper", "Magnolia", "Aspen", "Tundra", "Monsoon", "Savanna",
]
GENERIC_FIRST = ["Global", "International", "United", "First", "General", "Eastern", "Western",
                 "Pacific", "Atlantic", "Golden", "Star", "Prime", "Royal", "Silver", "Green", "Ocean",
                 "Sun", "Alpha", "Delta", "Apex", "Unity", "Capital", "Continental", "Modern",
                 "Premier", "National", "Universal", "Allied", "Central", "Northern", "Southern",
                 "New Age", "Blue Sky", "Grand", "Metro", "Trans"]
GENERIC_SECOND = ["Trading", "Logistics", "Shipping", "Energy", "Holdings", "Industries",
                  "Investments", "Technologies", "Electronics", "Construction", "Petroleum",
                  "Import Export", "Marine", "Commodities", "Consulting", "Chemicals", "Textiles",
                  "Foods", "Metals", "Machinery", "Solutions", "Ventures", "Resources", "Supplies",
                  "Engineering", "Development", "Exchange", "Services", "Systems", "Group"]
GENERIC_FORMS = ["LLC", "Ltd", "Inc.", "Co., Ltd.", "GmbH", "S.A.", "FZE", "JSC", "Limited",
                 "Corporation", "Company", "Pte Ltd", "", ""]

# -- the original scripts --------------------------------------------------------------------------

# Latin (as OFAC romanises Russian) -> Cyrillic, longest first; special cases are in build_set.
CYRILLIC_RU = [
    ("shch", "щ"), ("sch", "щ"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("tch", "ч"), ("ch", "ч"),
    ("sh", "ш"), ("yu", "ю"), ("ya", "я"), ("yo", "ё"), ("iu", "ю"), ("ia", "я"),
    ("a", "а"), ("b", "б"), ("v", "в"), ("w", "в"), ("g", "г"), ("d", "д"), ("e", "е"), ("z", "з"),
    ("i", "и"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"),
    ("s", "с"), ("t", "т"), ("u", "у"), ("f", "ф"), ("h", "х"), ("c", "к"), ("x", "кс"), ("q", "к"),
    ("j", "дж"), ("'", "ь"),
]
# Ukrainian: y is и, i is і, h is г; ye/yi/yu/ya are є/ї/ю/я.
CYRILLIC_UK = [
    ("shch", "щ"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш"), ("yu", "ю"),
    ("ya", "я"), ("ye", "є"), ("yi", "ї"), ("iu", "ю"), ("ia", "я"), ("ie", "є"),
    ("a", "а"), ("b", "б"), ("v", "в"), ("h", "г"), ("g", "г"), ("d", "д"), ("e", "е"), ("z", "з"),
    ("y", "и"), ("i", "і"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"),
    ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("f", "ф"), ("c", "к"), ("x", "кс"), ("j", "й"),
    ("'", "ь"),
]
# Belarusian: y is ы, i is і, h is г, u after a vowel is ў; dz and dzh as written.
CYRILLIC_BE = [
    ("shch", "шч"), ("dzh", "дж"), ("dz", "дз"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ch", "ч"),
    ("sh", "ш"), ("yu", "ю"), ("ya", "я"), ("ye", "е"), ("yo", "ё"), ("iu", "ю"), ("ia", "я"),
    ("ie", "е"),
    ("a", "а"), ("b", "б"), ("v", "в"), ("h", "г"), ("g", "г"), ("d", "д"), ("e", "э"), ("z", "з"),
    ("y", "ы"), ("i", "і"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"),
    ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("f", "ф"), ("c", "к"), ("x", "кс"), ("j", "й"),
    ("'", "ь"),
]

# Arabic script for words of Arabic names as OFAC romanises them (lower case, apostrophes kept).
ARABIC_WORDS = {
    "muhammad": "محمد", "mohammed": "محمد", "mohamed": "محمد", "mohammad": "محمد", "ahmad": "أحمد",
    "ahmed": "أحمد", "ali": "علي", "'ali": "علي", "hasan": "حسن", "hassan": "حسن", "husayn": "حسين",
    "hussein": "حسين", "husain": "حسين", "abd": "عبد", "'abd": "عبد", "abdallah": "عبدالله",
    "abdullah": "عبدالله", "allah": "الله", "ibrahim": "إبراهيم", "isma'il": "إسماعيل",
    "ismail": "إسماعيل", "khalid": "خالد", "khaled": "خالد", "mahmud": "محمود", "mahdi": "مهدي", "muhsin": "محسن", "mahmoud": "محمود",
    "mustafa": "مصطفى", "umar": "عمر", "'umar": "عمر", "omar": "عمر", "uthman": "عثمان",
    "'uthman": "عثمان", "yusuf": "يوسف", "yousef": "يوسف", "sa'id": "سعيد", "said": "سعيد",
    "salih": "صالح", "saleh": "صالح", "sulayman": "سليمان", "suleiman": "سليمان", "yunus": "يونس",
    "nasr": "نصر", "nasser": "ناصر", "nasir": "ناصر", "jamal": "جمال", "jamil": "جميل",
    "khalil": "خليل", "karim": "كريم", "rahman": "رحمن", "rahim": "رحيم", "aziz": "عزيز",
    "'aziz": "عزيز", "qadir": "قادر", "hamid": "حميد", "hamed": "حامد", "majid": "ماجد",
    "rashid": "راشد", "fadl": "فضل", "faysal": "فيصل", "faisal": "فيصل", "fawzi": "فوزي",
    "fu'ad": "فؤاد", "fuad": "فؤاد", "ghazi": "غازي", "habib": "حبيب", "hadi": "هادي",
    "hamza": "حمزة", "hamzah": "حمزة", "hashim": "هاشم", "haydar": "حيدر", "hisham": "هشام",
    "imad": "عماد", "'imad": "عماد", "isa": "عيسى", "'isa": "عيسى", "ja'far": "جعفر",
    "jabir": "جابر", "kamal": "كمال", "kamil": "كامل", "latif": "لطيف", "mahir": "ماهر",
    "mansur": "منصور", "mazin": "مازن", "munir": "منير", "musa": "موسى", "nabil": "نبيل",
    "nadim": "نديم", "naji": "ناجي", "nizar": "نزار", "nur": "نور", "qasim": "قاسم", "rafiq": "رفيق",
    "ramzi": "رمزي", "riyad": "رياض", "sadiq": "صادق", "salim": "سليم", "salman": "سلمان",
    "sami": "سامي", "samir": "سمير", "sayyid": "سيد", "shafiq": "شفيق", "sharif": "شريف",
    "sultan": "سلطان", "tahir": "طاهر", "talal": "طلال", "tariq": "طارق", "usama": "أسامة",
    "wa'il": "وائل", "walid": "وليد", "yahya": "يحيى", "yasin": "ياسين", "yasir": "ياسر",
    "zayd": "زيد", "ziyad": "زياد", "zuhayr": "زهير", "abu": "أبو", "bin": "بن", "ibn": "ابن",
    "bint": "بنت", "umm": "أم", "fatima": "فاطمة", "fatimah": "فاطمة", "aisha": "عائشة",
    "zaynab": "زينب", "maryam": "مريم", "layla": "ليلى", "rim": "ريم", "rula": "رلى",
    "huda": "هدى", "bashar": "بشار", "asad": "أسد", "assad": "أسد", "hafiz": "حافظ",
    "makhluf": "مخلوف", "shalish": "شاليش", "tlass": "طلاس", "mamluk": "مملوك", "adnan": "عدنان",
    "ayman": "أيمن", "anwar": "أنور", "amin": "أمين", "mu'ammar": "معمر", "qadhafi": "القذافي",
    "saddam": "صدام", "tikriti": "تكريتي", "sa'd": "سعد", "sa'ad": "سعد",
    "salah": "صلاح", "din": "دين", "nasrallah": "نصرالله", "hizballah": "حزب الله",
    "zawahiri": "ظواهري", "baghdadi": "بغدادي", "masri": "مصري", "libi": "ليبي", "iraqi": "عراقي",
    "yemeni": "يمني", "shami": "شامي", "sudani": "سوداني", "tunisi": "تونسي", "suri": "سوري",
    "abbas": "عباس", "'abbas": "عباس", "hamdan": "حمدان", "khamis": "خميس", "mubarak": "مبارك",
    "hussain": "حسين", "maher": "ماهر", "mahir": "ماهر", "rida": "رضا", "reda": "رضا",
    "hussam": "حسام", "husam": "حسام", "darwish": "درويش", "darwich": "درويش", "fawaz": "فواز",
    "haj": "حاج", "hajj": "حاج", "shaykh": "شيخ", "sheikh": "شيخ",
}
# Letter-level fallback: consonant digraphs first.
ARABIC_LETTERS = [
    ("sh", "ش"), ("kh", "خ"), ("th", "ث"), ("dh", "ذ"), ("gh", "غ"), ("ch", "ش"), ("ou", "و"),
    ("oo", "و"), ("ee", "ي"), ("aa", "ا"), ("ay", "ي"), ("aw", "و"), ("iy", "ي"), ("uw", "و"),
    ("b", "ب"), ("t", "ت"), ("j", "ج"), ("h", "ح"), ("d", "د"), ("r", "ر"), ("z", "ز"), ("s", "س"),
    ("f", "ف"), ("q", "ق"), ("k", "ك"), ("l", "ل"), ("m", "م"), ("n", "ن"), ("w", "و"), ("y", "ي"),
    ("p", "ب"), ("v", "ف"), ("g", "ج"), ("c", "ك"), ("x", "كس"), ("'", "ع"),
]
