#!/usr/bin/env python3
"""Writes data/train/routeplay-own.jsonl: training prompts written for Routeplay.

Two kinds, both written by the project (no rows copied from ../shared/datasets):
- hand-written prompts (HAND), the way people type to assistants;
- small template grammars (GRAM) over hand-written slot lists, seeded, to vary wording for the
  weak classes (brainstorming, creative_writing, extraction, classification, chat, qa).
Deterministic: python3 data/train/generate.py
"""
import json, random

rng = random.Random(20261125)
HAND = {}
GRAM = {}

HAND["brainstorming"] = [
"any ideas for a first date in winter?", "what are some good names for a black cat",
"I need ideas for a 30th birthday party", "help me think of a name for my etsy shop selling candles",
"what are some things to do with kids on a snow day", "give me a list of startup ideas in edtech",
"suggest some easy dinner ideas for busy weeknights", "what could we do for our anniversary this year",
"ways to make money online as a student?", "what are some good conversation starters for a networking event",
"list some fun team names for a hackathon", "brainstorm ways to reduce our meeting load",
"I want to redecorate my bedroom, give me some ideas", "what should I name my fantasy novel's main character",
"ideas for a christmas gift for a 15 year old boy", "help me brainstorm a theme for our school prom",
"what are some unusual pizza toppings I could try", "suggest a few names for a newsletter about AI tools",
"what can I do this weekend in Berlin", "give me some prompts for my daily journaling",
"list ideas for a short film I could shoot with my phone", "suggestions for a fun office potluck theme",
"ways to reward employees that aren't money", "I need tagline ideas for a vegan bakery",
"what kind of dog breeds would suit a small apartment? give me options", "give me 5 ideas for a quick healthy snack",
"brainstorm some features for a recipe sharing app", "what are some indoor activities for a rainy weekend",
"possible names for a band that plays jazz covers of metal songs", "ideas to make a boring presentation more engaging",
"help me come up with a good username for gaming", "What are some themes I could use for a photography series?",
"what are some lesser known places to visit in Italy", "suggest some board games for a group of 6 adults",
"Give me ideas for a logo for a running club", "things I could write about on LinkedIn as a junior dev",
"what could I plant in a shady garden corner? some options please", "ideas for fundraising for a school trip",
"some ideas to celebrate pi day in class", "brainstorm names for a chemistry podcast",
"Gib mir ein paar Ideen für ein Geschenk zum Muttertag", "ideas para una fiesta de cumpleaños infantil",
"what are some good research topics in renewable energy for a bachelor thesis", "suggest things to put in a care package for a friend in hospital",
"come up with some puns for a bakery sign", "creative ways to propose to my girlfriend",
"ideas for a side project to learn rust", "what are some catchy titles for a talk about burnout",
"what are some nice weekend getaways from chicago", "suggest some alternatives to coffee for the morning",
]
GRAM["brainstorming"] = (
    ["Give me {n} ideas for {x}.", "what are some ideas for {x}?", "Brainstorm {x}.", "suggest some {x}",
     "I need ideas for {x}", "Can you come up with {n} {x}?", "list a few {x}", "Generate a list of {n} {x}.", "Give me a list of {x}",
     "Make a list of {n} {x}", "Come up with {n} {x}.", "help me brainstorm {x}",
     "any suggestions for {x}?", "throw some ideas at me for {x}", "What are {n} creative {x}?",
     "I'm out of ideas. {x}?", "Need some inspiration: {x}"],
    ["names for a food truck selling tacos", "gift ideas for my sister who loves yoga", "themes for a baby shower",
     "ways to spend a lazy Sunday", "fundraising ideas for an animal shelter", "topics for a TED-style talk",
     "names for a cleaning business", "instagram caption ideas for beach photos", "hobbies for retired people",
     "ways to improve team morale", "things to do in Tokyo at night", "slogans for an electric scooter brand",
     "names for a hamster", "fun science experiments for kids", "date night ideas at home",
     "blog names about minimalism", "app ideas for students", "weekend trip ideas near Madrid",
     "marketing ideas for a dentist", "ways to use leftover rice", "party games for teenagers",
     "costume ideas for a work party", "podcast episode topics about parenting", "ideas for a mobile game",
     "names for a craft beer", "ways to save money on groceries", "content ideas for a tech TikTok account",
     "thesis topics in psychology", "team offsite activities", "gifts under 20 euros",
     "healthy breakfast ideas", "cool names for a robot", "halloween party food ideas",
     "volunteering ideas for a company", "product names for a smart water bottle", "ways to learn a language for free",
     "anniversary gift ideas", "ideas for a garden party", "newsletter names", "novel premises with a twist",
     "adjectives to describe the ocean", "verbs that mean to walk slowly", "must-watch documentaries", "good books for a beach holiday",
     "words that rhyme with light", "reasons to learn chess", "questions to ask on a first date", "tips for a first marathon"],
)
HAND["creative_writing"] = [
"write a poem about coffee", "write me a short story about a haunted library",
"Write a limerick about a cat who loves lasagna", "can you write a funny poem for my friend's retirement",
"write a story where the main character is a time-travelling mailman", "Write a haiku about Monday mornings",
"write lyrics for a punk song about public transport", "Write a bedtime story about a sleepy owl",
"pretend you are a medieval knight and describe your breakfast", "roleplay as my D&D dungeon master, we're in a tavern",
"Write a dramatic monologue of a toaster that burnt the toast", "write a short fable with a moral about patience",
"write a letter from santa to a kid named leo", "Write a scene where a detective interrogates a parrot",
"write a poem in the style of emily dickinson about wifi", "Write a short love story set in a laundromat",
"continue the story: the door creaked open and", "write a spooky campfire story for kids",
"write an epic poem about my dog chasing a squirrel", "Write a fictional news report about dragons returning to London",
"Write a dialogue between the sun and the moon", "Write a poem for my wife for our 10th anniversary",
"write a short sci-fi story about the last human on earth receiving a phone call", "Write a rap about doing homework",
"write a short play scene between a barista and a vampire", "Write a story for a 5 year old about a brave little boat",
"Compose a ballad about a lost sailor", "write a sad poem about leaving my hometown",
"you are a pirate. tell me about your greatest treasure", "Act as a fantasy tavern bard and sing about the hero",
"Write a short mystery where the butler did not do it", "write a funny story about a goat running for mayor",
"Write a poem that rhymes about recycling for a school assembly", "write a micro story about a robot and a cat",
"Write a romantic scene on a train in 1920s Paris", "write a motivational poem for runners",
"Schreib ein Gedicht über den Herbst", "escribe un cuento corto sobre un gato astronauta",
"Écris une histoire courte sur un dragon gentil", "Write an ode to pizza",
"Write a 200-word story that starts with 'Nobody believed the weather forecast'", "write a greeting card verse for a new baby",
"Imagine you're a ghost haunting a modern apartment. Describe your night.", "Write a short thriller opening in a snowed-in cabin",
"write me a silly song about brushing teeth", "Write a sonnet about unrequited love",
"Write a story in second person about waking up on a spaceship", "Tell me a story about a village where it never stops raining",
]
GRAM["creative_writing"] = (
    ["Write a {f} about {x}.", "write me a {f} about {x}", "Can you write a {f} about {x}?", "Compose a {f} about {x}.",
     "I'd love a {f} about {x}", "write a short {f} about {x}", "Write a funny {f} about {x}.",
     "Write a {f} for my kids about {x}", "could u write a {f} about {x}", "Write a dark {f} about {x}"],
    ["poem", "short story", "haiku", "limerick", "song", "fairy tale", "scene", "monologue", "story", "rhyming poem", "fable", "ballad"],
    ["a lonely robot", "the ocean at night", "my grandmother's kitchen", "a city without cars", "first love",
     "a dragon who loves tea", "the last day of summer", "a detective cat", "a haunted train station", "friendship",
     "a time traveler stuck in 1985", "autumn leaves", "a broken umbrella", "the moon falling in love", "a lost key",
     "a superhero with a useless power", "a snowman who wants to see summer", "a small town festival", "losing a pet",
     "a message from the future", "two rival bakers", "an astronaut's homesickness", "a forest that whispers",
     "a dog's first snow", "a secret door in the library"],
)
HAND["extraction"] = [
"From the text below, list all the dates mentioned.\n\nThe project kicked off on 3 March, the first prototype was ready on 19 April and the final review is planned for 2 June.",
"who is the CEO according to this? 'The board appointed Linda Park as chief executive in 2022, replacing founder Tom Berg.'",
"Pull out the names and phone numbers from this list: 'Call Ana on 0151 2234 567 or Rui at 0176 998 112 if the alarm goes off.'",
"What's the total on this receipt? 'Bread 2.10, Milk 1.15, Apples 3.40, Coffee 6.99, TOTAL 13.64'",
"extract the tracking number from this email: 'Your parcel is on the way! Tracking: 1Z999AA10123456784. Expected delivery Thursday.'",
"In the paragraph, how long did the construction take? 'The cathedral was begun in 1248 and only completed in 1880, more than six centuries later.'",
"Read the message and tell me which room the meeting is in. 'Moving today's standup to the Aurora room on the 3rd floor because of the fire drill.'",
"From this chat, list what each person is bringing to the picnic.\n\nMia: I'll bring sandwiches\nLeo: drinks from me\nZoe: I can do fruit and a blanket",
"Extract the requirements from this job posting as bullet points: 'You have 3+ years of React experience, know TypeScript well, have worked with REST APIs and speak English fluently.'",
"Pull the key figures out of this report: revenue grew 12% to $4.5bn, operating margin was 18%, and headcount rose to 9,800.",
"Which medications are mentioned in this note? 'Continue metformin 500mg, stop ibuprofen, start omeprazole 20mg daily.'",
"According to the passage, what is the main export of the country? 'The economy relies heavily on copper, which accounts for about 60 percent of exports, followed by agricultural products.'",
"Get me the sender, subject and date from this email header:\nFrom: rob@mail.com\nTo: me@mail.com\nSubject: Invoice overdue\nDate: Mon, 4 Mar 2024",
"From the following paragraph, who won the award and for what? 'The 2023 Golden Quill was awarded to Nia Okafor for her debut novel, The Salt Road.'",
"Extract the URLs from this text: see https://docs.example.com/start and the changelog at https://example.com/changes",
"Using the text, answer: how many people attended? 'Over 12,000 fans packed the stadium for the final, a record for the league.'",
"list every country named in this passage: Trade talks between Kenya, Tanzania and Uganda resumed in Nairobi, with observers from Ethiopia.",
"what did the customer order according to this message? 'hi can I get 2 large pepperoni and a garlic bread delivered to 12 Oak Rd'",
"Pull the technical specs from this ad into a table: 'Laptop, 14 inch screen, 16GB RAM, 512GB SSD, 1.3 kg, 10h battery.'",
"From this meeting transcript, what decisions were made?\n\nJo: let's go with vendor B\nKim: agreed, and we start in April\nJo: budget stays at 50k",
"Based on the text, what is the warranty period? 'All products come with a 2-year manufacturer warranty, extendable to 5 years for a fee.'",
"extract the names of all the characters in this paragraph: Harry met Hermione and Ron at the station, while Neville looked for his toad.",
"Answer using only the article: what percentage of voters turned out? 'Turnout reached 67 percent, the highest since 1992, officials said.'",
"From this conversation, what's the new deadline?\n\nPM: can we ship by the 10th?\nDev: not possible, the 17th at the earliest\nPM: ok, 17th then",
"Find the error code in this log: '2024-01-03 ERROR [db] connection refused (code=ECONNREFUSED) retrying in 5s'",
"Extrahiere alle Namen aus diesem Text: Gestern haben Jonas und Mia mit Frau Schulz über das Projekt gesprochen.",
"Dans ce texte, quelle est la date de la réunion ? « La réunion du comité aura lieu le 12 octobre à 14h. »",
]
HAND["summarization"] = [
"summarize this chat\n\nJen: did anyone feed the cat\nMark: not me\nOlly: I did at 8\nJen: ok thanks",
"tl;dr\n\nSo basically my neighbour's tree fell on my fence during the storm and now he says it's my insurance's problem, my insurance says it's his, and nobody wants to pay for the 2000 dollar repair.",
"Summarize the conversation between the doctor and patient:\nDoctor: What brings you in?\nPatient: I've had headaches for a week.\nDoctor: Any fever?\nPatient: No, but I'm not sleeping well.\nDoctor: Let's check your blood pressure and talk about sleep.",
"can you summarize what they talked about\n\nA: the heating is broken again\nB: I'll call the landlord\nA: last time it took 2 weeks\nB: I'll push for this week",
"Give me a short summary of this text message thread with my sister:\nme: are you coming for xmas\nsis: yes, 23rd to 27th\nme: bringing the kids?\nsis: yes and the dog lol",
"Summarize this paragraph: Coffee is one of the most traded commodities in the world. It is grown in more than 70 countries, mainly in the equatorial regions of the Americas, Africa and Asia.",
"Write a one sentence summary of this: The government has raised the minimum wage by 5 percent from January, affecting about two million workers.",
"summarise pls: meeting moved to thursday, bring laptops, pizza provided, dont forget the Q3 numbers",
"What's the short version of this news? 'Heavy snow closed the main airport for six hours on Tuesday, cancelling 300 flights and stranding thousands of holiday travellers.'",
"Give a title to this paragraph: Learning to cook at home can save money, improve your health, and become a relaxing daily ritual.",
"Summarize this customer review in one line: The blender is powerful and easy to clean but very loud, and the lid started cracking after a month.",
"sum up this email thread for me\n\nBoss: need the slides by 5\nMe: working on it, 4:30 ok?\nBoss: perfect, thanks",
"Summarize this dialogue:\n#Person1#: I'd like to open a savings account.\n#Person2#: Sure. Do you have ID and proof of address?\n#Person1#: Yes, both.\n#Person2#: Great, it takes about 15 minutes.",
"Please summarize the discussion:\nUser1: Is Python or JS better for beginners?\nUser2: Python, the syntax is cleaner.\nUser3: JS if you want to make websites.\nUser1: I think I'll start with Python.",
"Fasse dieses Gespräch zusammen:\nAnna: Kommst du heute Abend?\nBen: Leider nicht, ich bin krank.\nAnna: Gute Besserung!",
]
HAND["classification"] = [
"positive or negative: 'the battery died after one day'", "is this spam: 'URGENT your account will be closed, verify now at bit.ly/xyz'",
"classify the sentiment of: 'Not bad at all, I'd order again.'", "Which category: sports, politics, tech? 'The striker signed a 3-year deal with the club.'",
"label these emails as work or personal:\n1. 'Q3 budget review'\n2. 'Mom's birthday dinner'\n3. 'Sprint planning moved'",
"is this tweet angry, happy or sad: 'best day ever, got the puppy!!'", "Categorize this transaction: 'SHELL STATION 0042 45.20'",
"Does this sentence contain hate speech? Answer yes or no. 'People from that town are all idiots.'",
"Classify this support request as hardware or software: 'My printer makes a grinding noise.'",
"Is this question about geography, history or science? 'What is the atomic number of carbon?'",
"Group these words by part of speech: swim, green, chair, slowly, jump", "Is this review helpful or unhelpful? 'Good.'",
"Which sentiment best describes this: 'I was hoping for more, but it does the job.' positive/neutral/negative",
"Tag the following headline: 'Central bank holds rates steady amid slowing growth' — business, sport, entertainment or science?",
"Is this a valid email address or not: john@@example..com", "classify as urgent or not urgent: 'fyi the coffee machine is fixed'",
"Sort these into living and non-living: rock, mushroom, river, bacteria, cloud", "Is the tone of this email polite or rude? 'Send me the file. Now.'",
"Would you classify this as a complaint or a suggestion? 'Maybe you could add more vegan options to the menu.'",
"Ist diese Bewertung positiv oder negativ? 'Das Essen war kalt und der Kellner unfreundlich.'",
"Which intent is this: book_flight, cancel_flight or check_status? 'is my flight to Rome still on time?'",
"Classify each sentence as a fact or opinion:\n1. Water freezes at 0°C.\n2. Summer is the best season.",
"Given the labels [bug, feature, docs], label this issue: 'The README has a broken link to the install guide.'",
"Determine whether these two questions are duplicates: 'How do I learn Python fast?' and 'What's the quickest way to learn Python?'",
]
GRAM["classification"] = (
    ["Is this {k}? '{t}'", "Classify the {k} of this text: {t}", "{t}\n\nWhat is the {k} of the text above?",
     "Label the {k}: \"{t}\"", "Decide the {k} for the following: {t}", "What {k} would you assign to this? {t}"],
    ["sentiment (positive/negative)", "topic (sports, politics, business, tech)", "emotion (joy, anger, sadness, fear)",
     "category (complaint, praise, question)", "urgency (low, medium, high)", "spam label (spam / not spam)",
     "tone (formal or informal)", "intent (refund, cancel, info)"],
    ["The delivery guy left my package in the rain and it was soaked.", "Just tried the new ramen place downtown, incredible broth!",
     "The prime minister announced new tariffs on steel imports today.", "Can you tell me when the store opens on Sundays?",
     "I want my money back, the product never arrived.", "Server room temperature alarm triggered, please check ASAP.",
     "Win a free cruise!!! Reply YES to claim your prize.", "Dear Sir or Madam, I am writing to enquire about the position.",
     "The team lost 4-0 at home, fans booed the coach.", "The new phone has a great camera but the battery is weak.",
     "I'm so scared about the exam tomorrow.", "Hey, how do I cancel my membership?", "Thank you so much, your staff were wonderful!"],
)
HAND["qa"] = [
"what is the largest ocean", "who discovered penicillin", "How far is the moon from earth?", "what does a CPU do",
"Why do leaves change color in autumn?", "what's the difference between affect and effect", "how do airplanes stay in the air",
"What year did the Titanic sink?", "who is the author of 1984", "What is the capital of Canada?",
"how many continents are there", "What's the meaning of the word 'ubiquitous'?", "is coffee bad for your heart",
"Why is the Dead Sea so salty?", "how does compound interest work", "What causes earthquakes?",
"What's the difference between a crocodile and an alligator?", "how long do cats live", "Who was Cleopatra?",
"What is the function of the liver?", "what does HTTP stand for", "Why do we yawn?", "Which is the smallest country in the world?",
"How do solar panels generate electricity?", "what are the rules of cricket in short", "What is the theory of evolution?",
"who invented the printing press", "what is machine learning", "Why is Pluto not a planet anymore?",
"What is the difference between a hurricane and a typhoon?", "how much sleep does a teenager need",
"What's the highest grossing movie of all time?", "when was the eiffel tower built", "what is the gdp",
"Was ist die Hauptstadt von Kanada?", "¿Quién pintó la Mona Lisa?", "Qui a inventé l'ampoule ?",
"How does the stock market work?", "what is a mortgage", "Is a tomato a fruit?", "why is the ocean salty",
"What do pandas eat?", "who won the world cup in 2018", "How many players are on a soccer team?",
"What is the meaning of life according to philosophers?", "How do antibiotics work?", "what is the speed of sound",
"What's the difference between RAM and storage?", "who was the first person on the moon", "How does GPS work?",
"what is the ozone layer", "When did the Roman Empire fall?", "can you explain what a recession is",
"explain blockchain in simple terms", "what is stoicism", "how are rainbows formed", "What is an index fund?",
"tell me about the history of the internet", "What are the benefits of meditation?", "why do onions make you cry",
]
HAND["chat"] = [
"hello there", "hi!", "hey", "good evening", "how are you", "how are you doing today?", "what's new with you",
"thank you!", "thanks a lot", "ty", "you're the best", "great job", "bye", "see you tomorrow", "goodnight!",
"who are you", "what are you", "are you an AI?", "are you human", "what's your name", "do you have a name?",
"who created you", "what can you help me with", "how do you work", "do you have emotions", "are you conscious?",
"i'm sad", "I'm stressed about exams", "today was a great day", "I'm so tired", "I got a promotion!!",
"lol", "haha", "omg", "ok", "cool", "nice", "wow", "hmm", "sure", "no thanks", "never mind",
"can we talk?", "I just want someone to talk to", "I'm bored", "what are you up to", "do you sleep",
"do you like me?", "will you be my friend?", "you're funny", "that's wrong", "you didn't answer my question",
"do you have a favorite movie?", "what's your favorite food", "what do you do for fun", "where do you live",
"can you hear me?", "are you still there?", "let's chat", "tell me something about you", "how's your day",
"good morning :)", "sup", "heyyy", "hola", "bonjour", "hallo, wie geht's?", "ciao!", "thx", "I'm back",
"sorry my bad", "I appreciate you", "you're annoying", "what languages do you speak?", "are you better than siri",
"do you know who I am?", "happy new year!", "merry christmas!", "it's my birthday today", "I miss my dog",
]
GRAM["chat"] = (
    ["{g}", "{g}!", "{g} {e}", "{g}, {q}", "{q}", "{e}"],
    ["hi", "hey", "hello", "yo", "good morning", "hey there", "hiya", "morning", "evening", "heya"],
    ["how are you?", "how's it going?", "what's up?", "who are you?", "what can you do?", "are you a bot?",
     "how was your day?", "what's your name?", "nice to meet you", "long time no see", "did you miss me?"],
    [":)", "😊", "lol", "!!", "👋", "haha"],
)
HAND["planning"] = [
"plan a 3 day trip to rome", "make me a study plan for the bar exam", "help me plan my week",
"I need a schedule for potty training my toddler", "Make a plan to get fit in 8 weeks, I can train 3 times a week",
"plan a road trip through scotland for 6 days", "how do I plan a budget for my first apartment, step by step",
"create an itinerary for 2 days in new york with kids", "what's a good plan to learn piano as an adult",
"steps to apply for a mortgage", "give me a timeline to organize a conference for 200 people",
"plan a dinner party menu and prep schedule for 8 guests", "make a reading plan to finish 24 books this year",
"how should I prepare for a marathon in 16 weeks", "plan a 10 day trip to vietnam from north to south",
"Create a content calendar for a bakery's Instagram for one month", "make a schedule for my kids' summer holidays",
"plan my move from london to berlin", "What steps do I need to take to start a podcast?",
"create a plan to launch my online store in 6 weeks", "Plane eine Woche Urlaub in Kroatien",
"help me plan a surprise party for my husband next saturday", "Make a day-by-day plan for a week of healthy eating",
]
HAND["code"] = [
"write a function in python to count vowels", "how do i sort a dict by value in python", "why is my css not applying",
"explain this code: x = [i*i for i in range(10) if i % 2]", "how to undo the last git commit", "write a hello world in rust",
"my python script says ModuleNotFoundError: No module named 'requests'", "write a SQL query to find duplicate emails",
"how do I read a json file in node", "write a js function that shuffles an array", "what's a closure in javascript",
"write a dockerfile for a python flask app", "how do I make a POST request with curl", "convert a string to int in java",
"fix this: for i in range(10) print(i)", "write a bash script that renames all .jpeg files to .jpg",
"implement quicksort in c++", "what does async/await do in python", "regex to validate an email",
"write a kubernetes deployment yaml for nginx with 3 replicas", "how to connect to postgres from go",
"why does my react useEffect run twice", "write a python class for a bank account", "how to merge two branches in git",
]


MORE = {}
MORE["code"] = [
"what does 'undefined is not a function' mean", "why do i get IndexError: list index out of range", "what is a null pointer exception in java",
"how do i exit vim", "what does the static keyword mean in c#", "difference between == and === in js", "what is a race condition and how do i avoid it",
"why is my for loop in python so slow", "what does this error mean: error[E0382]: borrow of moved value", "explain big O notation with code examples",
"How do I fix 'permission denied (publickey)' when pushing to github?", "what's the best way to handle errors in go", "pandas: how to drop rows with NaN in one column",
"npm install fails with ERESOLVE unable to resolve dependency tree", "how do I write a unit test with pytest", "what does `yield` do in python",
"CORS error when calling my API from localhost:3000, how to fix", "what is dependency injection? show a small example", "why does 0.1 + 0.2 != 0.3 in javascript",
"Review my code and suggest improvements:\n\nfunction getUser(id) {\n  return fetch('/api/users/' + id).then(r => r.json())\n}",
"what's the time complexity of this?\n\nfor i in range(n):\n    for j in range(i):\n        print(i, j)", "how to make a python virtual environment",
"my kotlin app crashes with NetworkOnMainThreadException", "SQL: what's the difference between LEFT JOIN and INNER JOIN", "how to reverse a string in c",
"Write an Excel formula that returns the last non-empty cell in column A", "make this function faster: def f(n): return sum([i for i in range(n) if i % 3 == 0])",
"Was bedeutet der Fehler 'Segmentation fault' in C?", "¿cómo hago un bucle for en javascript?",
]
MORE["translation"] = [
"what does 'merci' mean", "how do you say 'cheers' in german", "what's 'good night' in italian", "what does 'hasta luego' mean in english",
"how do I say 'excuse me' in japanese", "what is 'thank you' in arabic", "meaning of 'ciao bella' in english", "how to say 'I'm vegetarian' in spanish",
"what's the english word for 'Fernweh'", "translate 'nice to meet you' into mandarin", "say 'where is the hotel' in french",
"Переведи, пожалуйста: Good morning, how did you sleep?", "翻译成英文：我明天去上海出差。", "Übersetz mal: I'll call you back in five minutes.",
"traduci in inglese: il treno è in ritardo", "can you put 'happy holidays' in 5 different languages", "what does 'danke schön' translate to",
"How would a Spanish speaker say 'it's raining cats and dogs'?", "english to german please: the invoice is attached", "translate my text to french: see you at the station at 6",
"Translate this paragraph into English:\n\nLa empresa anunció ayer que abrirá una nueva fábrica en el norte del país, lo que creará unos 500 empleos.",
"What does this Japanese sign say? 立入禁止", "Translate 'Bon appétit' and explain when it's used",
]
MORE["math_reasoning"] = [
"is 91 prime", "what is 15% of 240", "what's 7 times 8", "2+2*2 = ?", "how many seconds in a day", "convert 5/8 to a decimal",
"what is the square root of 196", "if a = 3 and b = 4 what is a^2 + b^2", "solve x^2 - 5x + 6 = 0", "what is 3/4 divided by 2/3",
"A pizza is cut into 8 slices and I eat 3. What fraction is left?", "how many minutes are in 3.5 hours", "what's the probability of getting two heads in a row",
"If the premises 'no A are B' and 'some C are A' hold, what follows about C and B?", "prove by induction that 1+2+...+n = n(n+1)/2",
"how many diagonals does a hexagon have", "what's the next number: 2, 6, 12, 20, 30, ?", "round 3.14159 to two decimal places and explain",
"my bill is 86.40, how much is a 15% tip", "how long to drive 450 km at 90 km/h", "What is log base 2 of 1024?",
"Knights always tell the truth and knaves always lie. A says 'B is a knave'. B says 'A and I are the same type'. Who is who?",
"Berechne die Fläche eines Kreises mit Radius 5 cm.", "¿cuánto es el 20% de 150?",
]
MORE["classification"] = [
"Classify each of the following as a mammal or a fish: salmon, dolphin, tuna, whale, shark", "Which of these are programming languages: Python, Cobra, Java, Ruby, Emerald",
"Identify which instrument is string or woodwind: violin, flute, cello, clarinet", "Which is a bird: sparrow or spaniel?",
"Tell me whether each of these is a city or a country: Peru, Lima, Oslo, Chad", "Classify these foods as sweet or savory: cake, chips, honey, pretzel",
"Is each of the following a planet or a moon: Titan, Mars, Europa, Venus", "Categorize these cars by country of origin: Volvo, Fiat, Toyota, Ford",
"which of these are vegetables: potato, grape, kale, cherry", "Sort these sports into team sports and individual sports: tennis, rugby, golf, hockey",
"Label each number as odd or even: 14, 7, 22, 35", "is this sentence positive, negative or neutral: 'the update changed nothing'",
"Here is a customer email. Tag it as 'refund', 'shipping' or 'other'.\n\nHi, my parcel has been stuck in customs for 2 weeks, any news?",
"Decide if each headline is clickbait (yes/no):\n1. '10 tricks doctors hate'\n2. 'City council approves budget'",
]
MORE["brainstorming"] = [
"Give me a list of things to pack for a beach holiday", "What are some good books for a long flight? give me a few options",
"Name some ways to say hello without words", "list some good icebreakers for a first day of class", "What are good ways to stay warm without turning up the heat?",
"Give me some ideas for what to name my sourdough starter", "what are fun things to do in amsterdam", "What are the best ways to relax after work? list a few",
"Suggest ten ways I could use a free afternoon", "Think of 5 taglines for an eco-friendly detergent", "what are some alternatives to a traditional wedding cake",
"What are creative ways to tell my parents I'm pregnant", "list of possible names for a productivity app",
]
MORE["qa"] = [
"why is the sea blue", "how do bees make honey", "what's the tallest building in the world", "who invented the light bulb", "how does wifi work",
"what is the capital of mongolia", "why do we dream", "how old is the universe", "what's the difference between a lake and a pond", "how do vaccines work",
"who was napoleon", "what is a leap year", "when did the cold war end", "what's the population of tokyo", "how hot is the sun",
"What is the difference between an LLC and a corporation?", "Why did the Roman Republic become an empire?", "How does a refrigerator keep things cold?",
"What are the main causes of climate change?", "Which vitamins are fat-soluble?", "Who wrote the Odyssey?", "What is inflation and why does it happen?",
]
MORE["extraction"] = [
"From this receipt, what did I pay for parking? 'Fuel 52.10 | Parking 6.00 | Snacks 4.35 | Total 62.45'",
"how many people are on the team according to this: 'Our team of 14 engineers and 3 designers ships weekly.'",
"Extract the times and places from this itinerary: 'Depart Lyon 08:10, arrive Geneva 10:05, bus to Chamonix 11:00.'",
"Pull the scores out of this match report: 'Lakers beat the Celtics 112-104; Warriors lost to the Suns 98-101.'",
"What's the price of the premium plan according to this page? 'Basic $5/month, Premium $12/month, Team $30/month (up to 10 users).'",
"Which year did she graduate, based on this bio? 'Dr. Amara Singh earned her PhD from Edinburgh in 2009 and joined the institute in 2015.'",
"Get all the amounts and what they're for from this text: 'Rent is 950, utilities about 120, internet 35, and I save 300 a month.'",
]
MORE["planning"] = [
"plan a 2 week itinerary for thailand on a backpacker budget", "What's a good daily schedule for studying 6 hours a day?",
"how should I structure a 4 day work week for my team", "steps to prepare my house for selling", "plan meals for a week for a family of four under 100 dollars",
"help me plan a 5k training schedule for a complete beginner", "Make a packing and prep timeline for a camping trip next weekend",
]
for label, items in MORE.items():
    HAND.setdefault(label, []).extend(items)

MORE2 = {
"creative_writing": [
"Schreib eine Geschichte über einen Roboter, der Angst vor Wasser hat.", "Écris un poème sur la pluie à Paris.",
"Escribe un poema corto sobre el mar.", "Scrivi una breve storia su un gatto che parla.", "Escreva um poema sobre saudade.",
"Write a humorous eulogy for my broken phone", "Write a legend about how the river got its name", "Write a creation myth for a desert tribe",
"Continue this story: 'She opened the letter and froze.'", "Write the next chapter: the heroes finally reach the castle gates",
"Write a toast for my parents' 40th anniversary", "Write a short speech for my sister's graduation, make it funny",
"Write an obituary for the villain of my novel", "Write a funny review of a haunted hotel from the ghost's perspective",
],
"brainstorming": [
"Possible names for my new puppy?", "What are some good questions to ask a mentor?", "Trouve-moi des idées de cadeaux pour mon frère.",
"Dame ideas para decorar mi salón.", "Ideen für einen Kindergeburtstag?", "Idee per una cena romantica a casa?",
"Brainstorm possible reasons our website traffic dropped last month", "What are some possible explanations for why my plants keep dying? list a few",
"What are some good opening lines for a cover letter?", "What are some good podcasts topics for teens?",
"Possible themes for a wedding?", "Gift ideas for a coworker?", "Name ideas for a fitness app?",
],
"planning": [
"Planifica mi semana de estudio para el examen de historia.", "Plane meinen Umzug nach München, Schritt für Schritt.",
"Organise un week-end à Rome pour deux personnes.", "Pianifica un viaggio di 3 giorni a Firenze.",
"What order should I do the tasks in to renovate my kitchen?", "How do I go about organizing a charity run, from start to finish?",
"Plan my day: dentist at 9, work 10-5, gym, cook dinner, call mom", "Make a schedule for a 2-day workshop with 6 sessions and breaks",
],
"math_reasoning": [
"All cats are animals. Some animals are black. Can we conclude some cats are black? Explain.", "Prove that there are infinitely many primes.",
"What is the sum of all even numbers from 2 to 200?", "How many trailing zeros does 50! have?", "Show that n^2 + n is always even.",
"What's the expected number of rolls of a die to get a 6?", "Is the argument valid: if P then Q; not Q; therefore not P?",
],
"code": [
"What does the `?` operator do in Swift?", "What does `:=` mean in Go?", "what does the spread operator do in js",
"git push says 'rejected, non-fast-forward', what do i do", "why does my SQL query return duplicate rows after a join",
"def is_prime(n: int) -> bool:\n    \"\"\"Return True if n is a prime number.\"\"\"\n",
"def two_sum(nums, target):\n    \"\"\"Given a list of integers and a target, return indices of the two numbers that add up to target.\"\"\"",
"from typing import List\n\ndef median(xs: List[float]) -> float:\n    \"\"\" Return the median of the list.\n    >>> median([3, 1, 2])\n    2\n    \"\"\"\n",
],
"summarization": [
"What is this email basically saying? 'Due to maintenance, the office will be closed on Friday; please work from home and keep your phone on.'",
"Résume cet article en deux phrases : Le festival de musique a attiré 80 000 personnes cette année, un record, malgré la pluie du samedi.",
"Resume: La empresa ganó 3 millones de euros en 2023, un 12% más que el año anterior, gracias a las exportaciones.",
"Shorten this for a tweet: we're hiring 3 engineers and 1 designer in Lisbon, remote friendly, apply by June 30",
"Make a summary of my notes: photosynthesis = light + co2 + water -> glucose + o2, happens in chloroplasts, two stages",
],
"chat": [
"I'm feeling down today", "do you ever get bored?", "ok cool", "interesting", "wow ok", "you're so helpful, thanks!!",
"i can't sleep", "just wanted to say hi", "can you be my best friend?", "will you remember me tomorrow?", "what do you think of humans?", "are you happy?",
],
"translation": [
"Traduis en français : The store opens at nine.", "Traduce esto al inglés: Necesito una habitación para dos noches.",
"Übersetze ins Spanische: Wo ist der Bahnhof?", "What does 'grazie mille' mean?", "what does 'arigato' mean",
],
"classification": [
"Which of these are fruits and which are vegetables: pear, leek, plum, celery", "Is this message for or against the proposal? 'I think the plan is too expensive.'",
"Given the categories praise, complaint, question — which fits: 'Why is my order late?'", "Which of these tickets is high priority? A) 'site down' B) 'typo on about page'",
],
"extraction": [
"Extrae los nombres y las edades: Marta tiene 34 años y su hijo Leo tiene 6.", "Extrais toutes les dates de ce texte : Le contrat commence le 1er mars et finit le 31 août.",
"From these notes, list the decisions:\n- we go with AWS\n- hiring freeze until Q3\n- Ana leads the migration",
"Given this table:\nProduct | Price | Stock\nPen | 1.20 | 300\nBook | 9.90 | 12\nwhich product has the lowest stock?",
],
}
for label, items in MORE2.items():
    HAND.setdefault(label, []).extend(items)

GRAM["roleplay"] = (
    ["let's roleplay. you're {r} and {s}", "Pretend you are {r} and {s}", "Act as {r}. {S}",
     "I want you to act as {r}. {S}", "You are {r}. Stay in character: {s}", "roleplay as {r}, {s}",
     "Can you pretend to be {r}? {S}", "Imagine you're {r}. {S}", "be {r} for a bit and {s}"],
    ["a grumpy pirate", "Sherlock Holmes", "my strict piano teacher", "a medieval queen", "a cowboy in 1870",
     "a tired barista", "a dragon guarding gold", "an alien tourist", "my favourite anime villain", "a ghost in an old hotel",
     "Napoleon", "a noir detective", "a fairy godmother", "a space station AI gone slightly rogue", "a sarcastic cat",
     "an elf blacksmith", "a game show host", "a Victorian butler", "a time traveller from 3000", "a zombie who wants to be vegan"],
    ["tell me about your day", "greet me as I walk in", "I'm asking you for directions", "describe your home",
     "I challenge you to a duel", "react to me stealing your parking spot", "tell me a secret", "answer my questions in character",
     "convince me to join your quest", "we're stuck in an elevator together", "welcome me to your kingdom", "narrate what happens next"],
)
GRAM["qa"] = (
    ["tell me about {t}", "what do you know about {t}?", "explain {t}", "explain {t} like I'm five", "Can you explain {t}?",
     "give me an overview of {t}", "i'd like to understand {t}", "what's the deal with {t}?", "Quick question: what is {t}?",
     "what is {t} and why does it matter"],
    ["the french revolution", "black holes", "the stock market", "photosynthesis", "the cold war", "machine learning",
     "inflation", "the roman empire", "climate change", "the immune system", "quantum computing", "the renaissance",
     "plate tectonics", "cryptocurrency", "the electoral college", "the water cycle", "general relativity", "the silk road",
     "string theory", "the industrial revolution", "DNA replication", "keynesian economics", "the big bang", "antibiotic resistance"],
)
QA_TRUE = ["goldfish have a 3 second memory", "we only use 10% of our brains", "lightning never strikes the same place twice",
           "bulls hate the color red", "cracking knuckles causes arthritis", "bats are blind", "sugar makes kids hyper",
           "the great wall is visible from space", "humans have five senses", "chameleons change color to camouflage"]

# Everyday questions people type without capitals or question marks: qa, not chat.
HAND["qa"].extend([
"can you freeze milk", "can you eat chicken that was left out overnight", "can you get a cold from being cold", "can you mix bleach and vinegar",
"do you need a passport to fly within the eu", "do you have to declare cash at customs", "do cats need baths", "do plants grow at night",
"is it safe to fly while pregnant", "is it bad to drink coffee on an empty stomach", "is it ok to run every day", "is rice healthy",
"is honey better than sugar", "is pluto a planet", "are bananas radioactive", "are spiders insects", "are electric cars really greener",
"how long do eggs last in the fridge", "how long does a passport take to renew", "how long can a person go without sleep", "how long is a flight from london to new york",
"how do i remove a wine stain", "how do i know if my phone has a virus", "how do i lower my cholesterol", "how do i get rid of fruit flies",
"how do you treat a bee sting", "how do you know if milk has gone bad", "how much water should i drink a day", "how much does it cost to charge a tesla",
"how many calories in an avocado", "how many hours of sleep do adults need", "how many people live in london", "how far is mars",
"what happens if you don't sleep for 3 days", "what happens if you eat expired yogurt", "what happens when you mix baking soda and vinegar", "what happens to your body when you fast",
"what does a high heart rate mean", "what does it mean if my dog eats grass", "what does the fox say actually", "what causes hiccups",
"what's the best time to visit japan", "whats the difference between a cold and the flu", "whats a good credit score", "whats the healthiest cooking oil",
"who is elon musk", "who was martin luther king", "who won the super bowl in 2020", "who invented the internet", "who is the richest person in the world",
"where is the great barrier reef", "where do bananas come from", "where does the word robot come from", "where is the mona lisa kept",
"when is the best time to plant tomatoes", "when did smartphones become popular", "when does daylight saving time start in the us",
"why do my knees crack", "why does my eye twitch", "why is my dog shaking", "why do cats knead", "why does coffee make me sleepy", "why do we sneeze",
"should i take ibuprofen or paracetamol for a headache", "should i stretch before running", "does cracking your back hurt you", "does the moon rotate",
"does drinking water help you lose weight", "does caffeine dehydrate you", "which is healthier brown or white rice", "which country has the best healthcare",
"tipping etiquette in germany", "normal body temperature", "symptoms of dehydration", "side effects of melatonin", "best way to store avocados",
"can dogs eat chocolate", "can you see the great wall from space", "do you lose heat through your head", "how do you become a pilot",
"wie lange hält gekochter reis im kühlschrank", "est-ce que le café est mauvais pour la santé", "cuántas horas hay que dormir", "quanto costa un passaporto in italia",
])

def expand(label, spec, n):
    out = set()
    tries = 0
    while len(out) < n and tries < n * 20:
        tries += 1
        tpls, *slots = spec
        t = rng.choice(tpls)
        if label == "brainstorming":
            t = t.format(n=rng.choice(["5", "10", "a few", "some", "3", "20"]), x=rng.choice(slots[0]))
        elif label == "creative_writing":
            t = t.format(f=rng.choice(slots[0]), x=rng.choice(slots[1]))
        elif label == "classification":
            t = t.format(k=rng.choice(slots[0]), t=rng.choice(slots[1]))
        elif label == "roleplay":
            sit = rng.choice(slots[1])
            t = t.format(r=rng.choice(slots[0]), s=sit, S=sit[0].upper() + sit[1:] + ".")
        elif label == "qa":
            t = t.format(t=rng.choice(slots[0]))
        elif label == "chat":
            t = t.format(g=rng.choice(slots[0]), q=rng.choice(slots[1]), e=rng.choice(slots[2]))
        if rng.random() < 0.3:
            t = t.lower()
        out.add(t)
    return sorted(out)

rows = []
for label, items in HAND.items():
    for t in items:
        rows.append({"text": t, "label": label, "source": "routeplay/hand"})
for label, spec, n in [("brainstorming", GRAM["brainstorming"], 300), ("creative_writing", GRAM["creative_writing"], 300),
                       ("classification", GRAM["classification"], 150), ("chat", GRAM["chat"], 120),
                       ("roleplay", GRAM["roleplay"], 150), ("qa", GRAM["qa"], 120)]:
    for t in expand(label, spec, n):
        lab = "creative_writing" if label == "roleplay" else label
        rows.append({"text": t, "label": lab, "source": "routeplay/grammar"})
for c in QA_TRUE:
    t = rng.choice(["is it true that {}?", "Is it true that {}?", "do {}? true or myth", "myth or fact: {}"]).format(c)
    rows.append({"text": t, "label": "qa", "source": "routeplay/grammar"})
# Never train on the evaluation set: drop exact (case-insensitive) matches.
here = __file__.rsplit("/", 1)[0]
import glob
ev = {json.loads(l)["text"].lower().strip() for f in glob.glob(here + "/../eval/*.jsonl") for l in open(f)}
rows = [r for r in rows if r["text"].lower().strip() not in ev]
with open(here + "/routeplay-own.jsonl", "w") as f:
    for r in rows:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
print(len(rows))
