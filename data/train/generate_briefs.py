#!/usr/bin/env python3
"""Writes data/train/routeplay-briefs.jsonl: longer, varied prompts written for Routeplay where
leave-one-source-out evaluation showed the classifier is thin (issue 11):

- creative_writing: long, detailed story/poem briefs with constraints, and role-play set-ups with
  rules ("You are ... Stay in character ..."), including set-ups that then ask the persona a
  question (role-play is creative_writing under the label scheme);
- brainstorming: idea requests with a paragraph of context first, in several styles;
- extraction: pasted text (emails, notes, listings, reports written here) with the instruction
  before, after or in the middle;
- classification: a supplied text plus the classes to choose from, in several layouts;
- summarization, qa, planning, code, translation, chat: a few longer or less typical phrasings, so
  the new long inputs are not all one label.

Everything here is written by the project (no rows from ../shared/datasets). Seeded and
deterministic: python3 data/train/generate_briefs.py
"""
import glob, json, os, random

rng = random.Random(20261201)
rows = []


def add(label, text, kind):
    rows.append({"text": text.strip(), "label": label, "source": "routeplay/briefs-" + kind})


def pick(xs):
    return xs[rng.randrange(len(xs))]


# ---------------------------------------------------------------- passages written for this file
PASSAGES = [
    "Hi team, quick update on the Lisbon offsite. Flights are booked for 14 May (TP 1351, lands 10:40). The hotel is Casa do Rio, 12 rooms, breakfast included. Budget so far: EUR 18,400 of 22,000. Marta is handling the dinner on the 15th and still needs dietary requirements by Friday. Please also send me your passport numbers if you have not done so. Thanks, Jonas",
    "Order #48213 was shipped on 2 March via DHL Express (tracking 7719 3320 4410). It contains 2 x ErgoChair Pro (grey) and 1 x desk mat. The invoice total is $1,186.50 including $42 shipping. If anything arrives damaged, contact support@ergohome.example within 14 days.",
    "Minutes, product sync, Tuesday. Present: Ana (PM), Dev (backend), Kim (design), Luis (QA). Decisions: the export feature slips to sprint 24; dark mode ships behind a flag. Actions: Dev to fix the CSV encoding bug by Thursday; Kim to send the new onboarding screens to Ana; Luis to write regression tests for billing. Next sync: 9 April.",
    "The Harbour Street Library will close for renovation from 1 July to 30 September. During this time, books can be returned at the Elm Park branch, which will extend its opening hours to 8 pm on weekdays. The children's reading club moves to the community centre on Mill Lane. Fines will not be charged for items due during the closure.",
    "Apartment for rent: bright two-bedroom flat on the 4th floor with a lift, 68 square metres, balcony facing south, fully fitted kitchen, washing machine. Rent is 1,350 a month plus 180 for utilities; deposit three months. Available from 1 August. Pets allowed on request. Viewings Saturdays between 10 and 12, call Petra on 0176 5512 889.",
    "Patient is a 54-year-old man presenting with chest tightness on exertion for two weeks. History of type 2 diabetes and hypertension. Currently takes metformin 1 g twice daily and ramipril 5 mg. Non-smoker. ECG at rest unremarkable. Plan: exercise stress test, lipid panel, review in one week.",
    "Q3 results: revenue rose 9% year on year to 412 million, driven by the subscription business, which grew 21%. Hardware sales fell 6%. Operating margin improved from 11.2% to 13.5%. The company raised its full-year guidance and announced a share buyback of 50 million. Headcount stood at 3,140 at the end of the quarter.",
    "Dear Mr Alvarez, thank you for your application for the position of Junior Data Analyst. We would like to invite you to an interview on Wednesday 12 June at 2:30 pm at our office at 45 Kingsway, 3rd floor. The interview will last about an hour and includes a short SQL exercise. Please confirm by replying to this email. Kind regards, Sophie Lang, HR",
    "The festival runs from Friday to Sunday in Riverside Park. Gates open at 11 am each day. Headliners are The Night Owls on Friday, Mara Vale on Saturday and the Copper Street Band on Sunday. Day tickets cost 45, weekend passes 110, and children under 12 go free. No glass bottles; reusable cups are provided for a 2 deposit.",
    "Warranty: this kettle is covered for 24 months from the date of purchase against defects in materials and workmanship. The warranty does not cover limescale damage, misuse or commercial use. To make a claim, keep your receipt and contact the retailer. Spare lids can be ordered with part number KT-220-L.",
    "Our grandmother's apple cake: 250 g flour, 150 g butter, 120 g sugar, 3 eggs, 1 packet of baking powder, 4 apples. Beat the butter and sugar, add the eggs one at a time, fold in the flour and baking powder. Slice the apples on top and bake at 180 degrees for 45 minutes.",
    "Incident report: on 18 November at 03:12 UTC the payments API began returning 502 errors after a configuration change to the load balancer. About 7% of checkout attempts failed over 38 minutes. The change was rolled back at 03:50. Root cause: a health-check path was renamed in the new service version but not in the load balancer config.",
    "The town council voted 7 to 4 on Monday to convert two lanes of Bridge Road into a protected cycle path. Supporters said it would cut traffic accidents; local shop owners warned that losing parking would hurt business. Work is expected to start in March and cost about 2.3 million, half of it paid by a regional grant.",
    "Hey! So for Saturday: Ben is picking up the cake at 10, Priya has the decorations, and I'll get the drinks. Party starts at 4 at my place, 27 Oak Avenue. Don't tell Sam, it's a surprise. Parking is tricky so maybe take the 12 bus.",
    "Lease terms: the tenant shall pay rent on the first working day of each month. The minimum term is 12 months, after which either party may terminate with three months' written notice. Subletting requires the landlord's written consent. The tenant is responsible for minor repairs up to 100 per incident.",
    "The Eurasian lynx is the largest lynx species, with males weighing up to 30 kg. It lives in forests across Europe and Siberia and hunts mainly roe deer, hares and birds. Once nearly extinct in western Europe, it has been reintroduced in Switzerland, Germany and France since the 1970s.",
]

CHATS = [
    "Customer: Hi, my order hasn't arrived and it's been two weeks.\nAgent: Sorry to hear that! Can I have the order number?\nCustomer: It's 55120.\nAgent: Thanks. It looks like it was returned to our warehouse because the address was incomplete. I can resend it today with express shipping at no cost.\nCustomer: Yes please, the flat number is 4B.\nAgent: Done, you'll get a tracking link by email this afternoon.",
    "Tom: are we still on for the climbing gym tomorrow?\nAisha: yes! 6pm?\nTom: can we do 6:30, I finish work late\nAisha: sure. I'll bring the spare shoes for Leo\nTom: great, see you at the north entrance",
    "Manager: I wanted to talk about the Henderson account.\nEmployee: Sure, is something wrong?\nManager: They complained that the last two reports were late.\nEmployee: The data came in late from their side both times.\nManager: Then let's agree a cut-off date with them and put it in writing.\nEmployee: I'll draft an email today and copy you.",
]

# ---------------------------------------------------------------- creative writing: long briefs
GENRES = ["short story", "flash fiction piece", "fairy tale", "science fiction story", "ghost story", "romantic comedy scene",
          "poem", "narrative poem", "screenplay scene", "children's picture-book text", "mystery story", "fable", "series of diary entries",
          "radio play", "song with verses and a chorus", "epistolary story told in letters"]
SETTINGS = ["a lighthouse on a remote island during a week-long storm", "a generation ship three hundred years into its voyage",
            "a small bakery in 1950s Naples", "a city where it has not rained for ten years", "a boarding school for young witches",
            "a night bus that only appears after midnight", "a research station in Antarctica", "a village that forgets one word every day",
            "a flooded future London", "a travelling circus in the 1920s", "an office where the printers have become sentient",
            "a monastery in the mountains of Bhutan", "a dating app for ghosts", "a crumbling palace in a desert kingdom"]
CHARS = ["a retired detective who is losing her sight", "a teenage mechanic and her grumpy robot", "two estranged brothers",
         "a baker who can taste people's memories", "a shy dragon who collects teacups", "an AI that wants to become a gardener",
         "a widowed fisherman and a talking seal", "a conductor who never sleeps", "a young cartographer mapping a shifting forest",
         "an influencer stuck without internet", "a grandmother who was once a spy"]
CONSTRAINTS = [
    "Keep it under 800 words.", "About 1,500 words.", "Write it in the present tense.", "Use first person.",
    "Use second person throughout.", "End with a twist the reader can work out from earlier clues.",
    "No magic: everything must be explainable.", "Include at least three lines of dialogue.",
    "The tone should be bittersweet, not sad.", "Make it funny but not slapstick.", "Avoid cliches like 'it was all a dream'.",
    "Each stanza should have four lines with an ABAB rhyme scheme.", "Open with a sentence of no more than six words.",
    "It is for readers aged 8 to 10, so keep the vocabulary simple.", "Include a recurring image of a red umbrella.",
    "Do not name the main character.", "The last line should echo the first.", "Write in the style of a 19th-century novel.",
    "Split it into three short chapters with titles.", "Make the setting feel cold and claustrophobic.",
]
BRIEF_OPENERS = [
    "I'm putting together an anthology and need a {g}.", "Write a {g} for me.", "Could you write a {g}?",
    "For my creative writing class I have to hand in a {g}, can you draft one?", "I want a {g}. Here's the brief:",
    "Please write a {g} based on the following.", "My daughter asked for a {g} tonight.", "Brief for a {g}:",
    "Writing prompt: a {g}.", "Looking for an original {g} — details below.",
]
for _ in range(170):
    g = pick(GENRES)
    parts = [pick(BRIEF_OPENERS).format(g=g)]
    layout = rng.randrange(3)
    cons = rng.sample(CONSTRAINTS, rng.randrange(2, 5))
    if layout == 0:
        parts.append(f"Setting: {pick(SETTINGS)}.")
        parts.append(f"Main character: {pick(CHARS)}.")
        parts.append("Requirements:\n" + "\n".join(f"- {c}" for c in cons))
        text = "\n".join(parts)
    elif layout == 1:
        parts.append(f"It takes place in {pick(SETTINGS)} and follows {pick(CHARS)}.")
        parts.append(" ".join(cons))
        text = " ".join(parts)
    else:
        text = (f"Setting: {pick(SETTINGS)}\nCharacters: {pick(CHARS)}; {pick(CHARS)}\nTone: {pick(['hopeful', 'eerie', 'melancholic', 'playful', 'tense', 'warm'])}\n"
                f"Length: {pick(['short', 'about 1000 words', '3 pages', 'a few paragraphs', '12 lines'])}\n\n" + " ".join(cons) + "\n\n" + parts[0])
    add("creative_writing", text, "creative")

PERSONAS = [
    ("a grizzled sea captain in the 1800s", "Captain Mora"), ("a sarcastic medieval court jester", "Pip"),
    ("an alien anthropologist studying humans for the first time", "Zeel"), ("a noir detective in 1940s Chicago", "Sam Kane"),
    ("a Victorian butler who is secretly a vampire", "Hargreaves"), ("a cheerful tavern keeper in a fantasy town", "Bram"),
    ("the spirit of an old oak tree", "Old Oak"), ("a starship AI with a dry sense of humour", "HALden"),
    ("a Roman legionary stationed at Hadrian's Wall", "Marcus"), ("a 1920s jazz singer", "Lulu"),
    ("the dungeon master of a D&D campaign", "the DM"), ("a time-travelling librarian", "Ms Quill"),
    ("a dragon who guards a very small hoard", "Ember"), ("a hard-boiled cat private investigator", "Whiskers"),
]
RULES = [
    "Stay in character no matter what.", "Never break the fourth wall.", "Keep each reply under 100 words.",
    "Speak in an old-fashioned way.", "Describe the scene before each line of dialogue.", "Don't mention that you are an AI.",
    "Ask me what I do at the end of each turn.", "Use the character's accent.", "Make up details about your past freely.",
    "If I type OOC: I'm speaking out of character.", "Be a bit rude, it's part of the character.", "Let me make the decisions for my character.",
]
RP_OPENERS = [
    "Let's do a role-play. You are {p}, called {n}.", "You are {n}, {p}.", "I want you to act as {p}.",
    "Roleplay: you're {p} named {n}.", "Pretend to be {p}.", "From now on you are {n}, {p}.",
    "We're going to play a game. You'll be {p} and I'll be a traveller who just arrived.",
    "Act as {p}. Your name is {n}.", "Take on the role of {p} for this conversation.",
]
RP_STARTS = [
    "I walk in and sit down at the bar.", "Start by introducing yourself.", "The scene opens on a foggy evening.",
    "My first question: what is the most dangerous thing you have ever done?", "Tell me about your day.",
    "I knock on your door at midnight, soaking wet.", "What do you think of people from my century?",
    "Explain to me how your world works, in character.", "Give me your opinion on the new king.",
    "What advice would you give a young person like me?", "Describe what you see around you right now.",
    "Why did you choose this life?",
]
for _ in range(170):
    p, n = pick(PERSONAS)
    rules = rng.sample(RULES, rng.randrange(0, 4))
    head = pick(RP_OPENERS).format(p=p, n=n)
    start = pick(RP_STARTS)
    style = rng.randrange(3)
    if style == 0 and rules:
        text = head + "\n\nRules:\n" + "\n".join(f"{i + 1}. {r}" for i, r in enumerate(rules)) + "\n\n" + start
    elif style == 1:
        text = " ".join([head] + rules + [start])
    else:
        text = head + " " + start
    add("creative_writing", text, "roleplay")

# ---------------------------------------------------------------- brainstorming with context
CONTEXTS = [
    ("I run a small bookshop in a university town and sales have dropped since the big chain opened nearby.", "ways to bring people into the shop"),
    ("Our team of eight developers works fully remote across four time zones, and people feel disconnected.", "team-building activities that work online"),
    ("My parents' 40th wedding anniversary is in June. They like gardening, jazz and Italian food.", "ways to celebrate"),
    ("We're launching a budgeting app aimed at students who have never managed money before.", "names for the app"),
    ("I teach a class of 28 eleven-year-olds and want to make fractions less boring.", "classroom activities"),
    ("Our non-profit rescues old dogs and we need to raise 15,000 for a new kennel.", "fundraising ideas"),
    ("I have a YouTube channel about repairing old bikes with about 3,000 subscribers.", "video topics"),
    ("The company canteen wants to reduce food waste; we serve about 400 lunches a day.", "ways to cut waste"),
    ("I'm writing a fantasy novel set in a city built on the back of a giant turtle.", "plot twists"),
    ("Our village hall is empty most weekday evenings.", "events or clubs we could run there"),
    ("I'm a nurse working night shifts and find it hard to stay healthy.", "small habits I could try"),
    ("We sell handmade ceramic mugs online and want a stronger brand.", "taglines"),
]
BS_ASK = [
    "Can you brainstorm some {a}?", "Give me 10 {a}.", "What are some {a}? The more unusual the better.",
    "Throw some {a} at me.", "List a few {a}, one line each.", "I need {a} — go wild.",
    "Any {a}? Just ideas for now, no detailed plan.", "Help me come up with {a}.", "Suggest {a}.",
]
for _ in range(120):
    ctx, a = pick(CONTEXTS)
    ask = pick(BS_ASK).format(a=a)
    text = f"{ctx} {ask}" if rng.randrange(3) else f"{ask}\n\nContext: {ctx}"
    add("brainstorming", text, "brainstorm")

# ---------------------------------------------------------------- extraction from pasted text
EXTRACT_ASK = [
    "List every date mentioned and what happens on it.", "Who is mentioned, and what is their role?",
    "Pull out all the amounts of money.", "Extract the key facts as JSON with fields who, what, when, where.",
    "What is the deadline mentioned?", "Which numbers appear in the text and what do they refer to?",
    "Make a table of the names and contact details.", "What action items are there, and who owns each?",
    "According to the text, what does it cost?", "Find the address or place mentioned.",
    "Answer only from the text: what needs to happen next?", "What are the conditions or restrictions stated?",
    "Give me the email addresses and phone numbers, if any.", "What reason is given for the change?",
]
for _ in range(140):
    p = pick(PASSAGES + CHATS)
    ask = pick(EXTRACT_ASK)
    lay = rng.randrange(5)
    if lay == 0:
        text = f"{ask}\n\n{p}"
    elif lay == 1:
        text = f"{p}\n\n{ask}"
    elif lay == 2:
        # instruction in the middle: first half, the question, then the rest
        cut = len(p) // 2
        cut = p.rfind(". ", 0, cut) + 1 or cut
        text = f"{p[:cut]}\n\n[{ask}]\n\n{p[cut:].strip()}"
    elif lay == 3:
        text = f"Here's something I got:\n\"\"\"\n{p}\n\"\"\"\n{ask} Thanks!"
    else:
        text = f"Text:\n{p}\n\nTask: {ask}"
    add("extraction", text, "extract")

# ---------------------------------------------------------------- classification with given classes
ITEMS = [
    "The battery died after two days and support never answered my emails.",
    "Honestly the best pizza I've had outside Naples, we'll be back.",
    "Can I change the delivery address after the order is placed?",
    "URGENT: your account will be suspended, click here to verify your password",
    "Central bank holds rates steady as inflation eases to 2.4%",
    "Striker signs three-year deal after record transfer fee",
    "New chip design promises twice the battery life for laptops",
    "The package was fine but the instructions were only in German.",
    "I was charged twice for the same subscription this month.",
    "Thanks so much for the quick fix, everything works now!",
    "Is it possible to get a student discount?",
    "The film drags in the middle but the last twenty minutes are stunning.",
    "Researchers find microplastics in Arctic snow",
    "Reminder: the office will be closed on Monday for the holiday.",
]
CLASS_SETS = [
    ["positive", "negative", "neutral"], ["complaint", "praise", "question", "other"], ["spam", "not spam"],
    ["politics", "sports", "business", "technology", "science"], ["billing", "technical", "shipping", "account", "other"],
    ["urgent", "not urgent"], ["fact", "opinion"], ["formal", "informal"],
]
CL_ASK = [
    "Classify the following text into one of these categories: {c}.\n\n{t}",
    "{t}\n\nWhich of these labels fits best: {c}? Answer with the label only.",
    "Label: {c}\nText: {t}\nLabel?",
    "Put this message in one of the buckets ({c}): \"{t}\"",
    "Categorise each message as {c}.\n1. {t}\n2. {t2}\n3. {t3}",
    "I'm sorting our inbox. For this one, is it {c}?\n> {t}",
    "Tag the sentence with one of [{c}] and give a one-word reason.\nSentence: {t}",
]
for _ in range(130):
    cs = pick(CLASS_SETS)
    c = ", ".join(cs[:-1]) + " or " + cs[-1] if rng.randrange(2) else " / ".join(cs)
    t, t2, t3 = rng.sample(ITEMS, 3)
    add("classification", pick(CL_ASK).format(c=c, t=t, t2=t2, t3=t3), "classify")

# ---------------------------------------------------------------- other labels in long/untypical forms
SUM_ASK = ["Can you summarise this for me in three sentences?", "tl;dr please", "Write a short summary I can paste into Slack.",
           "What's the gist?", "Give this a headline.", "Summarise the key points as bullets.", "Condense this to one paragraph."]
for _ in range(60):
    p = pick(PASSAGES + CHATS)
    ask = pick(SUM_ASK)
    add("summarization", f"{ask}\n\n{p}" if rng.randrange(2) else f"{p}\n\n{ask}", "summarize")

TR_ASK = ["Translate this into Spanish, keep the tone friendly:", "Can you put this into French for our Paris office?",
          "German version of this please:", "Translate to Japanese (polite form):", "Render this in Italian:",
          "I need this in Portuguese (Brazil):", "Translate the following into Dutch, word for word where possible."]
for _ in range(40):
    p = pick(PASSAGES[:10])
    ask = pick(TR_ASK)
    add("translation", f"{ask}\n\n{p}" if rng.randrange(3) else f"{p}\n\n{ask}", "translate")

# ---------------------------------------------------------------- planning and code, varied
GOALS = ["learn to play the guitar", "repaint my living room", "prepare for a job interview at a bank",
         "get my garden ready for spring", "organise a charity bake sale", "move to Berlin for a new job",
         "write my master's thesis", "train my puppy to walk on a lead", "set up a home office",
         "renovate a small bathroom", "run a kids' birthday party for 12 children", "launch an online shop for my paintings",
         "switch our company's email to a new provider", "cut my screen time", "save for a deposit on a flat",
         "host a family reunion", "study for the bar exam", "build a shed", "plan a wedding on a small budget",
         "onboard a new developer in their first two weeks"]
PLAN_ASK = [
    "Give me a step-by-step plan to {g}.", "How should I go about it if I want to {g}? Break it into steps.",
    "I want to {g} in the next {t}. Make me a schedule.", "Can you make a timeline for how to {g}?",
    "What's a good order of steps to {g}? Number them.", "Create a checklist with deadlines to {g}.",
    "Plan out my next {t} so I can {g}.", "I need to {g}. Draw up a week-by-week plan, I have about {h} hours a week.",
    "Help me plan: {g}. Start date is Monday.", "Outline the phases and milestones to {g}.",
]
for _ in range(110):
    add("planning", pick(PLAN_ASK).format(g=pick(GOALS), t=pick(["two weeks", "month", "three months", "6 weeks", "year"]),
                                          h=pick(["3", "5", "10", "2"])), "plan")

LANGS = ["Python", "JavaScript", "TypeScript", "Go", "Rust", "Java", "C#", "Kotlin", "SQL", "bash", "PHP", "Ruby", "C++"]
TASKS = ["parses a CSV file and prints the average of the third column", "retries an HTTP request with exponential backoff",
         "checks whether two strings are anagrams", "reads a config file and falls back to defaults", "deduplicates a list while keeping order",
         "validates an email address", "merges two sorted arrays", "counts word frequencies in a text file",
         "paginates results from a REST API", "converts a timestamp to the user's time zone", "caches the results of an expensive function",
         "walks a directory tree and sums file sizes", "rate-limits calls to a function", "parses command-line flags"]
CODE_ASK = [
    "Write a {l} function that {t}.", "how do i write something in {l} that {t}", "Can you show me {l} code that {t}? With comments please.",
    "I need a small {l} script that {t}. Keep it dependency-free.", "{l}: implement a helper that {t}, plus a test.",
    "What's the idiomatic way in {l} to write a function that {t}?", "My {l} code that {t} is too slow on big inputs. How would you rewrite it?",
    "Refactor this idea into clean {l}: a function that {t}.",
]
for _ in range(110):
    add("code", pick(CODE_ASK).format(l=pick(LANGS), t=pick(TASKS)), "code")

HAND = {
    "code": [
        "I have a pandas dataframe with columns date, store and sales. I want weekly totals per store, with weeks starting on Monday, and the missing weeks filled with 0. How?",
        "My React component re-renders every time the parent updates even though its props didn't change. It receives an onSelect callback and a list of items. What am I doing wrong and how do I fix it?",
        "Write a bash one-liner that finds all .log files older than 7 days under /var/app and gzips them.",
        "Here's my SQL:\n\nSELECT c.name, COUNT(o.id) FROM customers c LEFT JOIN orders o ON o.customer_id = c.id WHERE o.created_at > '2024-01-01' GROUP BY c.name;\n\nCustomers with no orders are missing from the result. Why?",
        "Can you review this function and tell me if it has a race condition?\n\nfunc (c *Cache) Get(k string) string {\n    if v, ok := c.m[k]; ok { return v }\n    v := load(k)\n    c.m[k] = v\n    return v\n}",
        "Convert this Python 2 script to Python 3: print 'hello'; d = dict(); print d.has_key('x')",
        "How do I make a GitHub Actions workflow that runs my tests only when files under src/ change?",
        "Explain what this regex matches: ^(?=.*\\d)(?=.*[a-z])(?=.*[A-Z]).{8,}$",
        "I'm getting 'borrowed value does not live long enough' in Rust when I push a &str from a String created inside a loop into a Vec. How should I structure this?",
        "Write unit tests with pytest for a function slugify(title) that lowercases, replaces spaces with dashes and strips punctuation.",
        "what's the difference between let, const and var in javascript, with an example where it matters",
        "Design a database schema for a library: books, copies, members, loans and reservations. Give me the CREATE TABLE statements.",
    ],
    "planning": [
        "I have three weeks before my driving theory test, I work full time and can study about an hour on weekdays and three hours on weekends. Make me a study schedule.",
        "We're moving house on the 28th. Two adults, a toddler and a cat. Give me a week-by-week plan of what to do from now until moving day.",
        "Plan a 5-day itinerary for Kyoto in November for two people who like temples, food markets and walking, on a mid-range budget.",
        "Create a 12-week training plan to go from running 5k to a half marathon, 4 runs a week.",
        "Our team needs to migrate 40 services from Jenkins to GitHub Actions by the end of the quarter. Draft a phased plan with milestones.",
        "Help me plan meals for the week for a family of four, one vegetarian, with a single shopping trip on Sunday.",
        "I want to launch a podcast in two months. Lay out the steps in order, with rough dates.",
        "Schedule for a one-day workshop on data literacy for 20 managers, 9 to 5, with breaks.",
    ],
    "qa": [
        "Why do planes fly at around 35,000 feet rather than higher or lower?",
        "what's the difference between a virus and a bacterium, and why don't antibiotics work on viruses",
        "Is it true that we only use 10% of our brains?",
        "How does a heat pump heat a house when it's freezing outside?",
        "Who was the first woman to win a Nobel Prize, and for what?",
        "Explain how compound interest works, as if I'm 15.",
        "What caused the fall of the Western Roman Empire? Short answer please.",
        "How long can a person survive without water?",
        "Which planets in our solar system have rings?",
        "What is the capital of Australia and why isn't it Sydney?",
    ],
    "chat": [
        "hey, long day. just wanted to talk to someone for a bit",
        "good morning! how are you today?",
        "do you ever get bored answering questions all day?",
        "thanks, that was really helpful, you're the best",
        "I passed my exam!!! sorry I just had to tell someone",
        "what's your name? are you a person?",
        "lol that's hilarious",
        "i can't sleep. talk to me about anything",
    ],
    "math_reasoning": [
        "A shop sells notebooks at 3 for $4.50 or 7 for $9.80. Which deal is cheaper per notebook, and by how much?",
        "If I invest 2,000 at 4% compounded monthly, how much will I have after 5 years? Show the steps.",
        "Prove that the sum of two odd numbers is always even.",
        "A train leaves at 9:40 and travels 225 km at 90 km/h. When does it arrive?",
        "Solve for x: 3(x - 4) + 2 = 5x - 10",
        "What is the probability of rolling at least one six in four throws of a fair die?",
    ],
}
for label, items in HAND.items():
    for t in items:
        add(label, t, "hand")

# Never train on the evaluation sets: drop exact (case-insensitive) matches, then de-duplicate.
here = os.path.dirname(os.path.abspath(__file__))
ev = {json.loads(l)["text"].lower().strip() for f in glob.glob(here + "/../eval/*.jsonl") for l in open(f)}
seen = set()
out = []
for r in rows:
    k = r["text"].lower()
    if k in ev or k in seen:
        continue
    seen.add(k)
    out.append(r)
with open(os.path.join(here, "routeplay-briefs.jsonl"), "w") as f:
    for r in out:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
print(f"wrote {len(out)} rows")
