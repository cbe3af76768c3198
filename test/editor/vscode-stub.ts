// A stand-in for the `vscode` module, enough to run the extension's `activate` outside an editor: what activation
// registers is recorded (commands, context keys); any other call returns a disposable stand-in. Used by the activation test
// (no driver evaluated, every command contributed) and the activation benchmark (bench/extension.bench.ts).
import Module from 'node:module';

export interface StubbedEditor {
  /** an ExtensionContext with its subscriptions, URIs and an in-memory SecretStorage */
  context: Record<string, unknown> & { subscriptions: { dispose(): unknown }[] };
  /** command ids registered, in order */
  commands: string[];
  /** setContext calls, last value per key */
  contextKeys: Map<string, unknown>;
}

class Uri {
  private constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  static file(p: string): Uri {
    return new Uri('file', p);
  }
  static parse(s: string): Uri {
    const m = /^([a-z][\w+.-]*):(?:\/\/[^/]*)?(.*)$/i.exec(s);
    return m ? new Uri(m[1], m[2]) : new Uri('file', s);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, [base.path, ...parts].join('/').replace(/\/+/g, '/'));
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}://${this.path}`;
  }
}

const disposable = () => ({ dispose: () => undefined });

/**
 * Whatever an API the stub does not know returns: callable, every member another such thing, disposable, and not a
 * promise (no `then`), so registrations added to activation later (a watcher, a URI handler) still run.
 */
function anything(): unknown {
  return new Proxy(() => undefined, {
    get: (_f, key) => (key === 'then' || typeof key === 'symbol' ? undefined : key === 'dispose' ? () => undefined : anything()),
    apply: () => anything(),
  });
}

/** An object whose members are as given, and anything() for the rest. */
function lenient<T extends object>(known: T): T {
  return new Proxy(known, {
    get: (target, key) => (key in target ? (target as Record<string | symbol, unknown>)[key] : typeof key === 'string' ? anything() : undefined),
  });
}

export function installVscodeStub(): StubbedEditor {
  const commands: string[] = [];
  const contextKeys = new Map<string, unknown>();
  const secrets = new Map<string, string>();
  const vscode = {
    Uri,
    Disposable: class {
      constructor(private readonly f: () => void) {}
      dispose(): void {
        this.f();
      }
    },
    EventEmitter: class {
      event = () => disposable();
      fire(): void {}
      dispose(): void {}
    },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ViewColumn: { Active: -1, Beside: -2, One: 1 },
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
    commands: lenient({
      registerCommand: (id: string) => {
        commands.push(id);
        return disposable();
      },
      executeCommand: async (id: string, key?: string, value?: unknown) => {
        if (id === 'setContext' && key) contextKeys.set(key, value);
        return undefined;
      },
    }),
    window: lenient({
      createOutputChannel: () => lenient({ info: () => undefined, warn: () => undefined, error: () => undefined, show: () => undefined }),
      createStatusBarItem: () => lenient({ show: () => undefined, hide: () => undefined }),
      tabGroups: lenient({ all: [] }),
      visibleTextEditors: [],
      activeTextEditor: undefined,
    }),
    workspace: lenient({
      isTrusted: true,
      workspaceFolders: undefined,
      getConfiguration: () => ({ get: <T>(_key: string, fallback?: T) => fallback, inspect: () => undefined, update: async () => undefined, has: () => false }),
    }),
    extensions: lenient({ all: [] }),
    env: lenient({ appName: 'stub' }),
  };
  const load = (Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown })._load;
  (Module as unknown as { _load: typeof load })._load = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? vscode : load.call(this, request, ...rest);
  };
  const root = Uri.file('/nonexistent/incident-replay');
  const context = {
    subscriptions: [] as { dispose(): unknown }[],
    extensionUri: root,
    extensionPath: root.fsPath,
    globalStorageUri: Uri.joinPath(root, 'global'),
    storageUri: undefined,
    logUri: Uri.joinPath(root, 'log'),
    secrets: {
      get: async (k: string) => secrets.get(k),
      store: async (k: string, v: string) => void secrets.set(k, v),
      delete: async (k: string) => void secrets.delete(k),
      onDidChange: () => disposable(),
    },
    globalState: lenient({ get: () => undefined, update: async () => undefined, keys: () => [] }),
    workspaceState: lenient({ get: () => undefined, update: async () => undefined, keys: () => [] }),
    extension: { packageJSON: {} },
  };
  return { context, commands, contextKeys };
}
