"""Extensão do Sphinx que deixa o site do livro completo sem rede e em português.

O ``_config.yml`` a carrega (``sphinx: local_extensions``). Ela faz cinco coisas:

- **MathJax sem rede.** O Sphinx buscaria o MathJax numa CDN; aqui o livro serve
  a sua própria cópia, a do pacote ``django-static-mathjax`` (MathJax 3 do
  registro PyPI, instalado pelo ``requirements.txt``). A cópia vai para a pasta
  ``mathjax/`` na raiz de cada site montado (HTML e página única), fora de
  ``_static/``, e nada dela fica no repositório.
- **Bibliografia em português.** O estilo ``curso`` é o ``alpha`` do pybtex com
  "e" no lugar de "and" entre os autores (``bibtex_default_style: curso``); o
  estilo de citação ``autor_ano`` faz o mesmo no texto ("Dumoulin e Visin [2016]").
- **Exercícios numerados por lição** ("Exercício 4.2": lição 04, 2º exercício),
  em vez da numeração corrida do sphinx-exercise.
- **Busca sem acentos.** "convolucao" acha "convolução" (:class:`BuscaSemAcentos`).
- **Interface em português.** As mensagens da interface que os temas não
  traduzem para pt_BR ficam em ``locales/pt_BR/LC_MESSAGES``: o catálogo
  ``sphinx.po`` o próprio Sphinx compila (``locale_dirs``); o ``booktheme.po``
  (mensagens do sphinx-book-theme) é compilado e registrado aqui. Os textos que
  os temas escrevem em JavaScript são traduzidos em ``_static/curso.js``.
"""
import gettext
from dataclasses import dataclass, field
import importlib.util
import shutil
import unicodedata
from pathlib import Path

from pybtex.plugin import register_plugin
from pybtex.style.formatting.alpha import Style as AlphaStyle
from pybtex.style.template import names, sentence
import sphinxcontrib.bibtex.plugin
from sphinx import locale
from sphinx import search
from sphinx.errors import ExtensionError
from sphinx.search.pt import SearchPortuguese
from sphinx.util.i18n import CatalogRepository
from sphinxcontrib.bibtex.style.referencing import PersonStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

from ferramentas import repositorio

PASTA_MATHJAX = "mathjax"  # na raiz do site montado
SCRIPT_MATHJAX = "tex-chtml.js"  # entrada TeX, saída em HTML e CSS
# Pacotes prontos do MathJax de que o livro não precisa (o tex-chtml.js basta).
PACOTES_SEM_USO = ("tex-mml-*.js", "tex-svg*.js", "tex-chtml-full*.js", "mml-*.js", "node-main.js")
PASTA_TRADUCOES = "locales"


def origem_mathjax():
    """A pasta ``es5`` do MathJax 3 que o pacote ``django-static-mathjax`` instala."""
    spec = importlib.util.find_spec("mathjax")
    es5 = Path(spec.origin).parent / "static" / "mathjax" / "es5" if spec and spec.origin else None
    if es5 is None or not (es5 / SCRIPT_MATHJAX).is_file():
        raise ExtensionError("Não achei o MathJax instalado. Instale as dependências do livro: "
                             "pip install -r requirements.txt (o pacote é o django-static-mathjax).")
    return es5


def _usar_mathjax_local(app, config):
    # O Sphinx põe caminhos relativos dentro de _static/; "../" sai dela para a raiz do site.
    config.mathjax_path = f"../{PASTA_MATHJAX}/{SCRIPT_MATHJAX}"


def _copiar_mathjax(app):
    if app.builder.format != "html":
        return
    shutil.copytree(origem_mathjax(), Path(app.outdir) / PASTA_MATHJAX, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(*PACOTES_SEM_USO))


def _compilar_traducoes(app):
    idioma = app.config.language
    repo = CatalogRepository(app.srcdir, [PASTA_TRADUCOES], idioma, app.config.source_encoding)
    for catalogo in repo.catalogs:
        if catalogo.domain != "sphinx" and catalogo.is_outdated():
            catalogo.write_mo(idioma)


def _priorizar_traducoes_do_tema(app):
    """As nossas traduções das mensagens do sphinx-book-theme vêm antes das dele.

    O catálogo em português do tema tem lacunas e algumas traduções ruins; o nosso
    passa à frente, e o do tema fica como reserva para o que não está no nosso.
    """
    nosso = gettext.translation("booktheme", str(Path(app.srcdir) / PASTA_TRADUCOES),
                                languages=[app.config.language])
    chave = ("general", "booktheme")
    if chave in locale.translators:
        nosso.add_fallback(locale.translators[chave])
    locale.translators[chave] = nosso


def _sem_scripts_repetidos(app, pagename, templatename, context, doctree):
    """Tira os scripts repetidos da página.

    O sphinx-thebe registra duas vezes o mesmo trecho ``const THEBE_JS_URL = ...``,
    e o navegador acusa erro na segunda ("already been declared").
    """
    vistos, unicos = set(), []
    for script in context.get("script_files", []):
        chave = (getattr(script, "filename", script) or "", tuple(sorted(getattr(script, "attributes", {}).items())))
        if chave not in vistos:
            vistos.add(chave)
            unicos.append(script)
    context["script_files"] = unicos


def _exercicios_por_licao(app, env):
    """Numera os exercícios por lição: "Exercício 4.2" é o 2º exercício da lição 04.

    O sphinx-exercise numera em sequência pelo livro todo (a lição 1 começava no
    "Exercício 3"). Este gancho roda depois de o Sphinx numerar tudo (evento
    ``env-get-updated``) e troca o número de cada exercício de uma lição por (lição,
    posição na lição); títulos, links ``{ref}`` e a página única usam o novo número.
    ``ferramentas/myst.py`` numera do mesmo jeito (com ``repositorio.numero_da_licao``) para as edições e a correção.
    """
    mudaram = []
    for docname, tipos in env.toc_fignumbers.items():
        licao = repositorio.numero_da_licao(docname)
        exercicios = tipos.get("exercise")
        if licao is None or not exercicios:
            continue
        ordem = sorted(exercicios, key=lambda rotulo: exercicios[rotulo])
        tipos["exercise"] = {rotulo: (licao, posicao) for posicao, rotulo in enumerate(ordem, 1)}
        mudaram.append(docname)
    return mudaram


def sem_acentos(palavra):
    """``"Convolução"`` → ``"Convolucao"`` (o que a busca do site compara)."""
    return "".join(c for c in unicodedata.normalize("NFD", palavra) if not unicodedata.combining(c))


class BuscaSemAcentos(SearchPortuguese):
    """A busca em português do Sphinx, que acha "convolucao" em "convolução".

    O índice guarda o radical de cada palavra sem acentos; no navegador, o
    ``_static/curso.js`` tira os acentos do que se digita antes de buscar o radical.
    """

    def stem(self, word):
        return super().stem(sem_acentos(word))


class EstiloCurso(AlphaStyle):
    """O estilo ``alpha`` do pybtex, com os nomes dos autores ligados por "e"."""

    def format_names(self, role, as_sentence=True):
        nomes = names(role, sep=", ", sep2=" e ", last_sep=" e ")
        return sentence[nomes] if as_sentence else nomes


@dataclass
class CitacaoAutorAno(AuthorYearReferenceStyle):
    """As citações ``author_year`` do sphinxcontrib-bibtex, com "e" entre dois autores."""

    person: PersonStyle = field(default_factory=lambda: PersonStyle(sep2=" e ", last_sep=" e "))


def setup(app):
    search.languages["pt"] = BuscaSemAcentos
    register_plugin("pybtex.style.formatting", "curso", EstiloCurso)
    sphinxcontrib.bibtex.plugin.register_plugin(
        "sphinxcontrib.bibtex.style.referencing", "autor_ano", CitacaoAutorAno)
    app.connect("config-inited", _usar_mathjax_local)
    app.connect("builder-inited", _copiar_mathjax)
    _compilar_traducoes(app)
    app.connect("builder-inited", _priorizar_traducoes_do_tema)
    app.connect("html-page-context", _sem_scripts_repetidos, priority=900)
    # Depois do TocTreeCollector (prioridade 500), que numera figuras e exercícios.
    app.connect("env-get-updated", _exercicios_por_licao, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
