/**
 * Real-shaped secrets (fake values) and the near-misses that must survive redaction. Shared by the corpus test, the
 * linear-time test and the end-to-end tests, so every layer checks the same kinds.
 */

export interface SecretSample {
  kind: string;
  /** A line as it appears in a log, a commit or a message. */
  line: string;
  /** The secret inside it that must not survive. */
  secret: string;
}

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const PEM_BODY = 'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0';

/**
 * Forms issue 21 found getting through: URL user-info of every shape, name/value pairs, secret names decided by
 * words, array values, escaped JSON, loose spacing and command-line flags.
 */
export const FORMS_THAT_GOT_THROUGH: SecretSample[] = [
  // URL user-info: an empty user, a token as the user, any scheme.
  { kind: 'url_credentials', line: 'REDIS_URL=redis://:s3cretRedisPw@redis-master:6379/0', secret: 's3cretRedisPw' },
  { kind: 'url_credentials', line: 'fetch https://x7Tq9LmZ2pK4vB8n@git.example.com/x.git failed', secret: 'x7Tq9LmZ2pK4vB8n' },
  { kind: 'url_credentials', line: 'broker amqp://user:AmqpPw-551@mq-0.internal:5672 closed', secret: 'AmqpPw-551' },
  // Name/value pairs: Kubernetes env JSON and YAML, an HTTP header list (HAR), escaped inside a string.
  { kind: 'password', line: 'env: [{"name":"DB_PASSWORD","value":"K8sEnvPw-41"}]', secret: 'K8sEnvPw-41' },
  {
    kind: 'password',
    line: 'env:\n  - name: DB_PASSWORD\n    value: YamlEnvPw-42\n  - name: LOG_LEVEL\n    value: debug',
    secret: 'YamlEnvPw-42',
  },
  { kind: 'api_key', line: 'headers: [{"name": "X-Api-Key", "value": "HarHdrKey-43"}]', secret: 'HarHdrKey-43' },
  { kind: 'password', line: 'env: [{"value":"RevEnvPw-88","name":"DB_PASSWORD"}]', secret: 'RevEnvPw-88' },
  { kind: 'password', line: 'msg="{\\"name\\":\\"DB_PASSWORD\\",\\"value\\":\\"EscEnvPw-44\\"}"', secret: 'EscEnvPw-44' },
  // Names decided by words, in any case, separator or prefix.
  { kind: 'password', line: 'login pass=PassWord-45 user=svc', secret: 'PassWord-45' },
  { kind: 'password', line: 'MYSQL_PWD=MyPwd-46', secret: 'MyPwd-46' },
  { kind: 'password', line: 'dbPasswd: "CamelPw-47"', secret: 'CamelPw-47' },
  { kind: 'password', line: 'DBPASSWORD=GluedPw-48', secret: 'GluedPw-48' },
  { kind: 'api_key', line: 'apikey=ApiKeyGlued-49', secret: 'ApiKeyGlued-49' },
  {
    kind: 'api_key',
    line: 'DefaultEndpointsProtocol=https;AccountName=st1;AccountKey=Az0reAcc+Key50==;EndpointSuffix=core.windows.net',
    secret: 'Az0reAcc+Key50==',
  },
  {
    kind: 'api_key',
    line: 'Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=SbShared51Key=',
    secret: 'SbShared51Key=',
  },
  { kind: 'secret', line: 'GET /c/b.txt?sv=2022-11-02&se=2030-01-01&sig=SasSig52%2Bxyz%3D', secret: 'SasSig52%2Bxyz%3D' },
  { kind: 'api_key', line: 'Ocp-Apim-Subscription-Key: ApimSub53key', secret: 'ApimSub53key' },
  { kind: 'session', line: 'Cookie: SessCookie54abc', secret: 'SessCookie54abc' },
  { kind: 'session', line: 'session=SessVal55xyz', secret: 'SessVal55xyz' },
  { kind: 'session', line: 'Cookie: theme=dark; sid=CookieSid86; lang=en', secret: 'CookieSid86' },
  { kind: 'session', line: 'Set-Cookie: JSESSIONID=SetCookie87; Path=/; HttpOnly', secret: 'SetCookie87' },
  { kind: 'secret', line: 'GOOGLE_CREDENTIALS=CredVal56xyz', secret: 'CredVal56xyz' },
  { kind: 'private_key', line: 'private_key: PrivKey57xyz', secret: 'PrivKey57xyz' },
  { kind: 'token', line: 'X-Auth-Token: AuthTok58xyz', secret: 'AuthTok58xyz' },
  // Array values: JSON, Go's map[…] of http.Header, escaped JSON.
  { kind: 'password', line: 'body {"password":["ArrPw-59"]}', secret: 'ArrPw-59' },
  { kind: 'api_key', line: 'headers=map[Accept:[*/*] X-Api-Key:[GoMapKey60] User-Agent:[curl/8]]', secret: 'GoMapKey60' },
  { kind: 'session', line: 'headers=map[Cookie:[sid=GoCookie61; theme=dark]]', secret: 'GoCookie61' },
  { kind: 'authorization', line: 'req headers {"Authorization":["Token ArrAuth62tok"]}', secret: 'ArrAuth62tok' },
  { kind: 'authorization', line: 'headers=map[Authorization:[Bearer GoBearer63]]', secret: 'GoBearer63' },
  { kind: 'password', line: 'payload "{\\"password\\":\\"EscPw-64\\"}"', secret: 'EscPw-64' },
  // Any spacing around = and :.
  { kind: 'password', line: 'password        =        SpacedPw-65', secret: 'SpacedPw-65' },
  { kind: 'token', line: 'token\t:\tTabTok66xyz', secret: 'TabTok66xyz' },
  // Command-line forms.
  { kind: 'password', line: 'mysql -h db-1 -uroot -pMysqlPw67 orders', secret: 'MysqlPw67' },
  { kind: 'password', line: 'pg_dump --password DashPw68 orders', secret: 'DashPw68' },
  { kind: 'token', line: 'vault login --token=DashTok69xyz', secret: 'DashTok69xyz' },
  { kind: 'token', line: 'gh auth --token DashTok70xyz', secret: 'DashTok70xyz' },
  { kind: 'password', line: 'curl -u admin:CurlPw71 https://api.internal/x', secret: 'CurlPw71' },
  { kind: 'password', line: 'sshpass -p SshPw72 ssh ops@bastion', secret: 'SshPw72' },
];

export const SECRET_SAMPLES: SecretSample[] = [
  { kind: 'password', line: 'DB_PASSWORD=Tr0ub4dor&3x', secret: 'Tr0ub4dor' },
  { kind: 'password', line: 'connecting with db_password: "s3cr3t-Pa55word!"', secret: 's3cr3t-Pa55word!' },
  { kind: 'password', line: '{"user":"svc","password":"hunter2-prod-9"}', secret: 'hunter2-prod-9' },
  { kind: 'password', line: '  redis_password: Wx9!kq2Lm', secret: 'Wx9!kq2Lm' },
  { kind: 'secret', line: 'oauth config client_secret=8f14e45fceea167a5a36dedd4bea2543xQ', secret: '8f14e45fceea167a5a36dedd4bea2543xQ' },
  { kind: 'api_key', line: 'GET /v1/quote x-api-key: 4b2f9c1e-live-key-99aa', secret: '4b2f9c1e-live-key-99aa' },
  { kind: 'api_key', line: "settings: {'API_KEY': 'zq81-Lm4P-77xx'}", secret: 'zq81-Lm4P-77xx' },
  { kind: 'token', line: 'refresh_token=rt.8JkL0pQ2sV.zz ok', secret: 'rt.8JkL0pQ2sV.zz' },
  { kind: 'url_credentials', line: 'dial postgres://orders:Pg-S3cret@db-1.internal:5432/orders failed', secret: 'Pg-S3cret' },
  { kind: 'url_credentials', line: 'AMQP_URL=amqps://rabbit:R4bb1t!pw@mq.internal/vhost', secret: 'R4bb1t!pw' },
  {
    kind: 'authorization',
    line: 'upstream rejected Authorization: Bearer 0a1b2c3d4e5f6g7h8i9j0k1l2m3n',
    secret: '0a1b2c3d4e5f6g7h8i9j0k1l2m3n',
  },
  { kind: 'authorization', line: 'curl -H "Authorization: Basic dXNlcjpQQHNzdzByZA==" http://api', secret: 'dXNlcjpQQHNzdzByZA==' },
  { kind: 'authorization', line: 'header authorization: Token 9f8e7d6c5b4a39281706', secret: '9f8e7d6c5b4a39281706' },
  { kind: 'jwt', line: `session cookie value ${JWT} expired`, secret: JWT.split('.')[2] ?? JWT },
  {
    kind: 'private_key',
    line: `-----BEGIN RSA PRIVATE KEY-----\n${PEM_BODY}\nQm9ndXNLZXlCb2R5TGluZTJ4eHh4eHh4eHh4eA==\n-----END RSA PRIVATE KEY-----`,
    secret: PEM_BODY,
  },
  { kind: 'private_key', line: `"key": "-----BEGIN PRIVATE KEY-----\\n${PEM_BODY}\\n-----END PRIVATE KEY-----\\n"`, secret: PEM_BODY },
  { kind: 'aws_access_key_id', line: 'using credentials AKIAIOSFODNN7EXAMPLE for s3', secret: 'AKIAIOSFODNN7EXAMPLE' },
  {
    kind: 'aws_secret_key',
    line: 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  },
  {
    kind: 'aws_secret_key',
    line: 'rotated to wJalrXUtnFEMI/K7MDENG/bPxRfiCYZZAMPLEKEY yesterday',
    secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYZZAMPLEKEY',
  },
  {
    kind: 'gcp_api_key',
    line: 'maps key AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY loaded',
    secret: 'AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY',
  },
  { kind: 'stripe_key', line: 'export STRIPE=sk_live_51H8x2eKq9ZxYbN3mP0aRtUvW', secret: 'sk_live_51H8x2eKq9ZxYbN3mP0aRtUvW' },
  {
    kind: 'github_token',
    line: 'git clone https://ghp_R2d2C3poBb8Yoda1Luke2Leia3Han4Chewie5@github.com/x',
    secret: 'ghp_R2d2C3poBb8Yoda1Luke2Leia3Han4Chewie5',
  },
  {
    kind: 'github_token',
    line: 'token github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEF',
    secret: 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEF',
  },
  { kind: 'gitlab_token', line: 'CI used glpat-xR4nd0mT0k3nV4lu3zz12 to push', secret: 'glpat-xR4nd0mT0k3nV4lu3zz12' },
  {
    kind: 'slack_token',
    line: 'bot token xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUv',
    secret: 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUv',
  },
  {
    kind: 'slack_webhook',
    line: 'alerting to https://hooks.slack.com/services/T00000000/B11111111/XXXXxxxxXXXXxxxxXXXXxxxx now',
    secret: 'XXXXxxxxXXXXxxxxXXXXxxxx',
  },
  {
    kind: 'npm_token',
    line: '//registry.npmjs.org/:_authToken=npm_Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78',
    secret: 'npm_Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78',
  },
  { kind: 'card', line: 'charge failed for card 4111 1111 1111 1111 exp 12/29', secret: '4111 1111 1111 1111' },
  { kind: 'card', line: 'pan=5500-0000-0000-0004 declined', secret: '5500-0000-0000-0004' },
  { kind: 'card', line: 'amex 378282246310005 refused', secret: '378282246310005' },
  { kind: 'email', line: 'password reset mailed to jane.doe+billing@example-shop.co.uk', secret: 'jane.doe+billing@example-shop.co.uk' },
  ...FORMS_THAT_GOT_THROUGH,
];

/** Identifiers an investigation needs that look a little like secrets; each must come out unchanged. */
export const NEAR_MISSES: string[] = [
  'commit 9fceb02d0ae598e95dc970b74767f19372d61af8 touched payments',
  'short sha a1b2c3d deployed',
  'request 550e8400-e29b-41d4-a716-446655440000 failed',
  'trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7',
  '2024-03-12T14:03:22.123Z ERROR checkout-api upstream timeout after 3000 ms',
  'ts=1710252202123 latency_ms=4312 status=502',
  'order 1234567890123 total 99.90 EUR',
  'max_tokens=4096 token_count: 512 password_reset_enabled=true',
  'Author: Jane Doe, Date: Tue Mar 12 14:00:00 2024 +0000',
  'basic authentication failed for user svc-orders',
  'Bearer token expired, refreshing',
  'pool exhausted: 50/50 connections busy, waited 2500ms',
  'v2.14.3 rolled out to 10.0.0.0/8 at 14:02:59',
  'key=checkout:cart:9f2 cache miss',
  'PacketResponder 1 for block blk_-5009020203888190378 terminating',
  'snowflake id 1789234567890123456 committed',
  // Near-misses of the word rules: a secret word qualified by what follows, or inside another word.
  'token_count=5 tokens_used=812 max_tokens=4096',
  'password_reset_url=/reset password_min_length=12',
  'keyboard=us passenger=4 bypass=cache',
  'signal sigterm=15 received, session_timeout=30m secret_name=db-creds',
  'cache key=checkout:cart:9f2 primary_key=order_id partition_key=region',
  'token_type=Bearer expires_in=3600',
  'docker run -p8080:80 -p 9090:9090 nginx',
  'mysql -h db-1 -u root -p orders',
  'pg_dump --password-file /run/secrets/pg orders',
  'env: [{"name":"LOG_LEVEL","value":"debug"}, {"value":"info","name":"LOG_FORMAT"}]',
  // Actor-system addresses name a system, not a user (loghub's Spark logs).
  'listening on addresses :[akka.tcp://sparkExecutorActorSystem@mesos-slave-07:55904]',
  'Connecting to driver: spark://CoarseGrainedScheduler@10.10.34.11:48069',
];
