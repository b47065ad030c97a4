"""Fixed vocabularies of the demo world: enumerations from the source contract and invented words.

Everything here is invented or taken from the public picklists the contract README cites; no real
customer data. Lists are tuples so their order (and with it every seeded draw) never changes.
"""

from __future__ import annotations

# --- companies --------------------------------------------------------------------------------
# Syllables brand names are built from ("Wondera", "Olympusat", "Nordwind", ...).
BRAND_HEADS = (
    "Wond", "Olymp", "Nord", "Blue", "Helio", "Quant", "Vert", "Astr", "Lum", "Cor", "Stell",
    "Terr", "Aqu", "Vol", "Zen", "Kest", "Mer", "Orb", "Pax", "Rav", "Sol", "Tal", "Ulm", "Vex",
    "Xyl", "Yar", "Brig", "Cald", "Dorn", "Elb", "Fjor", "Gran", "Hald", "Isar", "Jun", "Kron",
    "Lind", "Mag", "Nov", "Ost", "Pol", "Quell", "Rhen", "Sant", "Tiv", "Umbr", "Valt", "Wend",
    "Zephyr", "Arct", "Bor", "Cygn", "Drac", "Equ", "Fal", "Gem", "Hyd", "Ign", "Jas", "Lyr",
)
BRAND_TAILS = (
    "era", "usat", "wind", "peak", "ix", "ora", "ant", "eon", "ity", "ara", "ex", "ion", "io",
    "um", "is", "ent", "ova", "ax", "iva", "onic", "ano", "ello", "ari", "una", "alis", "ium",
    "stone", "field", "gate", "bridge", "works", "line", "point", "wave", "cloud", "path",
)
INDUSTRY_WORDS = (
    "Logistics", "Health", "Analytics", "Media", "Energy", "Foods", "Robotics", "Finance",
    "Learning", "Games", "Biotech", "Mobility", "Retail", "Systems", "Labs", "Intelligence",
    "Software", "Networks", "Aerospace", "Insurance", "Pharma", "Studios", "Telecom", "Travel",
)
# (country code, legal suffixes used there)
LEGAL_SUFFIXES = {
    "US": ("Inc.", "LLC", "Corp.", "Inc", "Corporation"),
    "CA": ("Inc.", "Ltd.", "Corp."),
    "GB": ("Ltd", "Limited", "PLC", "Ltd."),
    "IE": ("Ltd", "Limited", "DAC"),
    "DE": ("GmbH", "AG", "GmbH & Co. KG", "SE"),
    "AT": ("GmbH", "AG"),
    "CH": ("AG", "GmbH", "SA"),
    "FR": ("SAS", "S.A.", "SARL"),
    "NL": ("B.V.", "N.V."),
    "ES": ("S.L.", "S.A."),
    "IT": ("S.r.l.", "S.p.A."),
    "SE": ("AB",),
    "AU": ("Pty Ltd", "Pty. Ltd."),
    "IL": ("Ltd.",),
    "AE": ("FZ-LLC", "LLC"),
    "BR": ("Ltda.", "S.A."),
    "IN": ("Pvt. Ltd.", "Private Limited"),
    "SG": ("Pte. Ltd.",),
    "JP": ("K.K.",),
    "MX": ("S.A. de C.V.",),
}
ALL_SUFFIX_WORDS = ("inc", "llc", "ltd", "limited", "gmbh", "ag", "sa", "sas", "bv", "nv", "plc",
                    "corp", "corporation", "co", "kg", "se", "pty", "srl", "spa", "ab", "ltda")
TLDS = {"US": ".com", "CA": ".ca", "GB": ".co.uk", "IE": ".ie", "DE": ".de", "AT": ".at", "CH": ".ch",
        "FR": ".fr", "NL": ".nl", "ES": ".es", "IT": ".it", "SE": ".se", "AU": ".com.au", "IL": ".co.il",
        "AE": ".ae", "BR": ".com.br", "IN": ".in", "SG": ".sg", "JP": ".jp", "MX": ".mx"}
GENERIC_TLDS = (".com", ".io", ".net", ".cloud", ".ai")
# Accented brands for the accent/transliteration cases (plain form, accented form).
ACCENTED_BRANDS = (
    ("Cafe Leon", "Café Léon"), ("Societe Lumiere", "Société Lumière"), ("Muller Praezision", "Müller Präzision"),
    ("Sao Tome Digital", "São Tomé Digital"), ("Nunez Agro", "Núñez Agro"), ("Bjork Data", "Björk Data"),
    ("Zurcher Technik", "Zürcher Technik"), ("Creme Brulee Studios", "Crème Brûlée Studios"),
    ("Francois Energie", "François Énergie"), ("Goteborg Maritime", "Göteborg Maritime"),
)
# Long names whose ACE registration uses an acronym (and vice versa).
ACRONYM_BRANDS = (
    ("International Freight Systems", "IFS"), ("Northern Utility Grid", "NUG"),
    ("Pacific Rim Logistics", "PRL"), ("Advanced Media Holdings", "AMH"),
    ("General Bioscience Partners", "GBP"), ("United Parcel Robotics", "UPR"),
    ("Continental Data Exchange", "CDX"), ("Allied Retail Group", "ARG"),
)

FIRST_NAMES = (
    "Anna", "Ben", "Carla", "David", "Elena", "Farid", "Greta", "Hiro", "Ines", "Jonas", "Kira",
    "Lukas", "Maya", "Nils", "Olga", "Pedro", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera",
    "Wei", "Ximena", "Yusuf", "Zoe", "Amit", "Bianca", "Chen", "Dario", "Emma", "Felix", "Hannah",
    "Ivan", "Julia", "Kenji", "Lea", "Marco", "Nora", "Omar", "Paula", "Ravi", "Sofia", "Tom",
)
LAST_NAMES = (
    "Schmidt", "Novak", "Garcia", "Okafor", "Lindqvist", "Tanaka", "Rossi", "Dubois", "Kowalski",
    "Haddad", "Nguyen", "Fischer", "Silva", "Brennan", "Yilmaz", "Petrov", "Moreau", "Jansen",
    "Costa", "Weber", "Andersen", "Kaur", "Müller", "O'Neill", "Ibáñez", "Søndergaard", "Walsh",
    "Hoffmann", "Rahman", "Bianchi", "Sato", "Keller", "Mendes", "Ivanova", "Larsen", "Cohen",
)
JOB_TITLES = ("CTO", "Head of IT", "Cloud Architect", "VP Engineering", "DevOps Lead", "CFO",
              "IT Manager", "Procurement", "Data Engineer", "CEO", "Platform Owner", "CISO")
GENERIC_MAIL_DOMAINS = ("gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "proton.me")

# --- geography -----------------------------------------------------------------------------------
# (code, English name, German name, phone code, currency id, vat label)
COUNTRIES = (
    ("US", "United States", "Vereinigte Staaten", 1, 2, "EIN"),
    ("DE", "Germany", "Deutschland", 49, 1, "USt-IdNr."),
    ("GB", "United Kingdom", "Vereinigtes Königreich", 44, 3, "VAT"),
    ("FR", "France", "Frankreich", 33, 1, "TVA"),
    ("NL", "Netherlands", "Niederlande", 31, 1, "BTW"),
    ("CH", "Switzerland", "Schweiz", 41, 4, "MWST"),
    ("AT", "Austria", "Österreich", 43, 1, "UID"),
    ("ES", "Spain", "Spanien", 34, 1, "NIF"),
    ("IT", "Italy", "Italien", 39, 1, "P.IVA"),
    ("SE", "Sweden", "Schweden", 46, 5, "Momsnr."),
    ("IE", "Ireland", "Irland", 353, 1, "VAT"),
    ("CA", "Canada", "Kanada", 1, 6, "GST"),
    ("AU", "Australia", "Australien", 61, 7, "ABN"),
    ("IL", "Israel", "Israel", 972, 8, "VAT"),
    ("AE", "United Arab Emirates", "Vereinigte Arabische Emirate", 971, 9, "TRN"),
    ("BR", "Brazil", "Brasilien", 55, 10, "CNPJ"),
    ("IN", "India", "Indien", 91, 11, "GSTIN"),
    ("SG", "Singapore", "Singapur", 65, 12, "GST"),
    ("JP", "Japan", "Japan", 81, 13, "JCT"),
    ("MX", "Mexico", "Mexiko", 52, 14, "RFC"),
)
# Where customers sit (weights per country code).
COUNTRY_WEIGHTS = {"US": 30, "DE": 22, "GB": 8, "FR": 5, "NL": 4, "CH": 4, "AT": 4, "ES": 3, "IT": 3,
                   "SE": 2, "IE": 2, "CA": 3, "AU": 2, "IL": 2, "AE": 1, "BR": 1, "IN": 2, "SG": 1,
                   "JP": 1, "MX": 1}
# (country, state code, state name)
STATES = (
    ("US", "CA", "California"), ("US", "NY", "New York"), ("US", "TX", "Texas"), ("US", "WA", "Washington"),
    ("US", "MA", "Massachusetts"), ("US", "IL", "Illinois"), ("US", "FL", "Florida"), ("US", "CO", "Colorado"),
    ("US", "GA", "Georgia"), ("US", "VA", "Virginia"), ("US", "OR", "Oregon"), ("US", "NC", "North Carolina"),
    ("DE", "BY", "Bayern"), ("DE", "BE", "Berlin"), ("DE", "HH", "Hamburg"), ("DE", "NW", "Nordrhein-Westfalen"),
    ("DE", "HE", "Hessen"), ("DE", "BW", "Baden-Württemberg"),
    ("CA", "ON", "Ontario"), ("CA", "QC", "Quebec"), ("CA", "BC", "British Columbia"),
    ("AU", "NSW", "New South Wales"), ("AU", "VIC", "Victoria"),
)
CITIES = {
    "US": ("Austin", "Seattle", "Boston", "Denver", "Chicago", "New York", "San Jose", "Atlanta", "Portland"),
    "DE": ("München", "Berlin", "Hamburg", "Köln", "Frankfurt am Main", "Stuttgart", "Leipzig"),
    "GB": ("London", "Manchester", "Leeds", "Bristol"), "FR": ("Paris", "Lyon", "Nantes"),
    "NL": ("Amsterdam", "Utrecht", "Eindhoven"), "CH": ("Zürich", "Basel", "Genève"),
    "AT": ("Wien", "Graz", "Linz"), "ES": ("Madrid", "Barcelona"), "IT": ("Milano", "Torino"),
    "SE": ("Stockholm", "Göteborg"), "IE": ("Dublin", "Cork"), "CA": ("Toronto", "Montréal", "Vancouver"),
    "AU": ("Sydney", "Melbourne"), "IL": ("Tel Aviv", "Haifa"), "AE": ("Dubai", "Abu Dhabi"),
    "BR": ("São Paulo", "Curitiba"), "IN": ("Bengaluru", "Pune"), "SG": ("Singapore",),
    "JP": ("Tokyo", "Osaka"), "MX": ("Ciudad de México", "Monterrey"),
}
STREET_WORDS = ("Main Street", "Hauptstraße", "Market Road", "Industriestraße", "Harbour Way",
                "Rue de la Paix", "Parkweg", "Innovation Drive", "Bahnhofstraße", "Ocean Avenue")

# --- ACE picklists (contract README section 4) -------------------------------------------------
ACE_INDUSTRIES = (
    "Aerospace", "Agriculture", "Automotive", "Computers & Electronics", "Consumer Goods", "Education",
    "Energy - Oil & Gas", "Energy - Power & Utilities", "Financial Services", "Gaming", "Government",
    "Healthcare", "Hospitality", "Life Sciences", "Manufacturing", "Marketing & Advertising",
    "Media & Entertainment", "Mining", "Non-Profit Organization", "Professional Services",
    "Real Estate & Construction", "Retail", "Software & Internet", "Telecommunications",
    "Transportation & Logistics", "Travel", "Wholesale & Distribution", "Other",
)
USE_CASES = (
    "AI Machine Learning and Analytics", "Big Data: Data Warehouse / Data Integration / ETL / Data Lake / BI",
    "Business Applications & Contact Center", "Containers & Serverless", "Migration / Database Migration",
    "Security & Compliance", "Storage & Backup", "SAP", "Database", "Networking", "IOT",
    "High Performance Computing", "Web development & DevOps", "End User Computing", "Generative AI",
)
DELIVERY_MODELS = ("SaaS or PaaS", "BYOL or AMI", "Managed Services", "Professional Services", "Resell", "Other")
PRIMARY_NEEDS = (
    "Co-Sell - Architectural Validation", "Co-Sell - Business Presentation", "Co-Sell - Competitive Information",
    "Co-Sell - Pricing Assistance", "Co-Sell - Technical Consultation",
    "Co-Sell - Total Cost of Ownership Evaluation", "Co-Sell - Deal Support",
    "Co-Sell - Support for Public Tender / RFx", "Do Not Need Support from AWS Sales Rep",
)
SALES_ACTIVITIES = (
    "Initialized discussions with customer", "Customer has shown interest in solution", "Conducted POC / Demo",
    "In evaluation / planning stage", "Agreed on solution to Business Problem", "Completed Action Plan",
    "Finalized Deployment Need", "SOW Signed",
)
REJECTION_REASONS = ("Customer problem unclear", "Next steps unclear", "Unable to support",
                     "Duplicate of Partner Referral", "Renewal opportunity", "Other")
CLOSED_LOST_REASONS = (
    "Customer Deficiency", "Delay / Cancellation of Project", "Legal / Tax / Regulatory",
    "Lost to Competitor - Google", "Lost to Competitor - Microsoft", "Lost to Competitor - Other",
    "No Opportunity", "On Premises Deployment", "Partner Gap", "Price", "Security / Compliance",
    "Technical Limitations", "Customer Experience", "Other", "Financial/Commercial",
    "Lost to Competitor – Google",  # older rows used an en dash
)
APN_PROGRAMS = (
    "APN Immersion Days", "AWS Marketplace Campaign", "ISV Workload Migration", "Migration Acceleration Program",
    "Partner Opportunity Acceleration Funded", "Well-Architected", "Windows", "VMware Cloud on AWS",
)
COMPETITORS = ("Oracle Cloud", "On-Prem", "Co-location", "Google Cloud Platform", "Microsoft Azure",
               "Other- Cost Optimization", "No Competition", "*Other")
AWS_PRODUCTS = ("Amazon EC2", "Amazon S3", "Amazon RDS", "AWS Lambda", "Amazon EKS", "Amazon Redshift",
                "Amazon Bedrock", "Amazon SageMaker", "AWS Glue", "Amazon DynamoDB", "AWS Ground Station",
                "Amazon WorkSpaces", "AWS DMS", "Amazon CloudFront")
FUNDING_PROGRAMS = (("MAP", "map_assess"), ("MAP", "map_mobilize"), ("MAP", "map_migrate"), ("POC", "poc"),
                    ("MDF", "mdf"), ("Jumpstart", "jumpstart"), ("ISV WMP", "isv_wmp"))
FUNDING_STAGES = ("Created", "AWS Review", "Tech Approval", "Business Approval", "Finance Approval",
                  "Pre-approved", "Cash Claim", "Completed")
APN_ROLES = ("Alliance Lead", "ACE Manager", "ACE User", "Standard User")
AWS_PEOPLE_FIRST = ("Jordan", "Priya", "Mateo", "Aisha", "Lars", "Mei", "Noah", "Ingrid", "Kofi", "Lucia")
AWS_PEOPLE_LAST = ("Becker", "Chandra", "Ferreira", "Hansen", "Ito", "Kim", "Lopez", "Meyer", "Reyes", "Stone")

# --- Odoo CRM -------------------------------------------------------------------------------------
# Lead categories the reps put in titles.
LEAD_CATEGORIES = ("MAP Assess Plan", "WAR - Well-Architected Review", "Custom Projects", "Managed Services",
                   "Hosting", "ProServ", "SB - Funding Only", "Sales Broker - Contract")
WORKLOADS = (
    "Migration", "Data Lake", "SAP on AWS", "Ground Station", "Landing Zone", "Kubernetes Platform",
    "Disaster Recovery", "GenAI Chatbot", "Data Warehouse", "Windows Migration", "Cost Optimization",
    "Security Baseline", "Contact Center", "IoT Platform", "Video Streaming", "ML Forecasting",
    "Backup & Archive", "Web Platform", "Database Modernization", "HPC Cluster",
)
TEAMS = ("Enterprise EMEA", "Mid-Market", "Public Sector", "Managed Services", "Website")
STAGES = (  # name, German name, sequence, is_won, fold
    ("New", "Neu", 1, False, False), ("Qualified", "Qualifiziert", 2, False, False),
    ("Proposition", "Angebot", 3, False, False), ("Negotiation", "Verhandlung", 4, False, False),
    ("Won", "Gewonnen", 70, True, True), ("On Hold", "Pausiert", 80, False, True),
)

# --- AWS billing ------------------------------------------------------------------------------------
# (service code, product name, relative weight in a typical bill, usage types used for invoice lines)
SERVICES = (
    ("AmazonEC2", "Amazon Elastic Compute Cloud", 30.0),
    ("AmazonS3", "Amazon Simple Storage Service", 8.0),
    ("AmazonRDS", "Amazon Relational Database Service", 12.0),
    ("AWSLambda", "AWS Lambda", 2.0),
    ("AmazonEKS", "Amazon Elastic Container Service for Kubernetes", 3.0),
    ("AmazonECS", "Amazon Elastic Container Service", 2.0),
    ("AmazonCloudFront", "Amazon CloudFront", 3.0),
    ("AmazonVPC", "Amazon Virtual Private Cloud", 2.5),
    ("AWSDataTransfer", "AWS Data Transfer", 4.0),
    ("AmazonCloudWatch", "AmazonCloudWatch", 1.5),
    ("AmazonDynamoDB", "Amazon DynamoDB", 2.0),
    ("AmazonRedshift", "Amazon Redshift", 5.0),
    ("AmazonElastiCache", "Amazon ElastiCache", 2.0),
    ("AmazonES", "Amazon OpenSearch Service", 2.0),
    ("AWSGlue", "AWS Glue", 1.5),
    ("AmazonAthena", "Amazon Athena", 0.8),
    ("AmazonSageMaker", "Amazon SageMaker", 3.0),
    ("AmazonBedrock", "Amazon Bedrock", 2.0),
    ("AmazonRoute53", "Amazon Route 53", 0.3),
    ("AWSKMS", "AWS Key Management Service", 0.3),
    ("AWSSecretsManager", "AWS Secrets Manager", 0.2),
    ("AWSConfig", "AWS Config", 0.5),
    ("AWSCloudTrail", "AWS CloudTrail", 0.3),
    ("AmazonGuardDuty", "Amazon GuardDuty", 0.6),
    ("AWSSecurityHub", "AWS Security Hub", 0.3),
    ("AmazonSNS", "Amazon Simple Notification Service", 0.1),
    ("AWSQueueService", "Amazon Simple Queue Service", 0.2),
    ("AmazonEFS", "Amazon Elastic File System", 1.0),
    ("AmazonFSx", "Amazon FSx", 1.2),
    ("AWSBackup", "AWS Backup", 0.8),
    ("AmazonKinesis", "Amazon Kinesis", 0.7),
    ("AmazonMSK", "Amazon Managed Streaming for Apache Kafka", 1.0),
    ("AmazonMQ", "Amazon MQ", 0.3),
    ("AmazonWorkSpaces", "Amazon WorkSpaces", 1.5),
    ("AmazonConnect", "Amazon Connect", 0.8),
    ("AWSDirectConnect", "AWS Direct Connect", 0.9),
    ("AmazonLightsail", "Amazon Lightsail", 0.2),
    ("AWSELB", "Elastic Load Balancing", 1.5),
    ("AmazonECR", "Amazon EC2 Container Registry (ECR)", 0.3),
    ("AWSCodePipeline", "AWS CodePipeline", 0.1),
    ("AWSCodeBuild", "AWS CodeBuild", 0.2),
    ("AmazonCognito", "Amazon Cognito", 0.1),
    ("AmazonQuickSight", "Amazon QuickSight", 0.4),
    ("AWSTransfer", "AWS Transfer Family", 0.3),
    ("AmazonGroundStation", "AWS Ground Station", 1.0),
    ("AWSDatabaseMigrationSvc", "AWS Database Migration Service", 0.5),
    ("AmazonTimestream", "Amazon Timestream", 0.2),
    ("AWSIoT", "AWS IoT", 0.3),
    ("AWSShield", "AWS Shield", 0.4),
    ("awswaf", "AWS WAF", 0.3),
    ("AWSSupportBusiness", "AWS Support (Business)", 2.5),
    ("AWSSupportEnterprise", "AWS Support (Enterprise)", 4.0),
)
MARKETPLACE_CODES = (("prod-7x3kq2mzt4dwe", "Datadog Pro (Marketplace)"),
                     ("prod-a9c2b4r8s1yln", "CrowdShield Endpoint (Marketplace)"),
                     ("prod-q4w8e2r6t1yuz", "Snowdrift Data Cloud (Marketplace)"))
REGIONS = ("USE1", "USE2", "USW2", "EUC1", "EUW1", "EUW2", "EUN1", "APS1", "APS2", "APN1", "CAN1", "SAE1")
USAGE_TYPES = ("BoxUsage:m5.large", "BoxUsage:c6i.xlarge", "BoxUsage:r6g.2xlarge", "EBS:VolumeUsage.gp3",
               "DataTransfer-Out-Bytes", "TimedStorage-ByteHrs", "Requests-Tier1", "Requests-Tier2",
               "InstanceUsage:db.r6g.large", "RDS:Multi-AZ-GP3-Storage", "Lambda-GB-Second", "Request",
               "NatGateway-Hours", "NatGateway-Bytes", "LoadBalancerUsage", "LCUUsage", "CW:MetricMonitorUsage",
               "HeavyUsage:m5.xlarge", "SpotUsage:c5.2xlarge", "VpcEndpoint-Hours", "ReadCapacityUnit-Hrs",
               "WriteRequestUnits", "Node:ra3.xlplus", "ml.g5.xlarge-Hosting", "InvokeModel-Tokens",
               "CloudFront-Out-Bytes", "KMS-Requests", "Storage-ByteHrs", "ProvisionedIOPS", "Support-Fee")
