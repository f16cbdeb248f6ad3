# Dois comandos fazem tudo numa máquina nova (veja o README):
#   make livro   instala o ambiente (.venv) e monta o site em _build/html
#   make testes  instala o ambiente e roda todos os testes
#   make alunos  gera em estudantes/ as lições sem soluções e sem saídas
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: livro testes alunos ambiente limpar

livro: ambiente
	$(BIN)/jupyter-book build . --all -W --keep-going

testes: ambiente
	CURSO_RAPIDO=1 $(BIN)/python -m pytest

alunos: ambiente
	$(BIN)/python ferramentas/versao_aluno.py --destino estudantes

ambiente: $(VENV)/.instalado

$(VENV)/.instalado: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt -e .
	touch $@

limpar:
	rm -rf _build
